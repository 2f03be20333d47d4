"""Tenants (accounts), their users, and what each user may do.

A user belongs to one account through a membership; the membership names the user's own
company and roles. A role grants permissions per kind of document: view, create, edit or delete,
each for the user's own company or for all companies of the account (the reference's model).
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from backroom.accounts.permissions import clean_permission_codes


class Account(models.Model):
    """A tenant: one business that uses Backroom. Nothing crosses from one account to another."""

    name = models.CharField(max_length=200)
    max_stores = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Online-store connections allowed; empty = the setting's default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Which account they work in is their membership's."""

    @property
    def account(self) -> Account | None:
        membership = getattr(self, "membership", None)
        return membership.account if membership else None


class Role(models.Model):
    """A named set of permission codes, such as `stores.edit.own` (see accounts.permissions)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=100)
    permissions = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="role_name_unique_per_account")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.permissions = clean_permission_codes(self.permissions)
        except ValidationError as error:
            raise ValidationError({"permissions": error}) from None


class Membership(models.Model):
    """The user's place in an account: the own company, the roles, or everything for the owner."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The user's own company, for the 'own company' permissions.",
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="memberships")
    is_owner = models.BooleanField(
        default=False, help_text="Owners may do everything in the account."
    )

    def __str__(self) -> str:
        return f"{self.user} in {self.account}"

    def clean(self) -> None:
        """The own company must be one of the account's: 'own company' rights would otherwise
        reach into another tenant."""
        if self.company_id is not None and self.company.account_id != self.account_id:
            raise ValidationError(
                {"company": "The company belongs to another account."}, code="foreign_company"
            )


class ApiToken(models.Model):
    """A secret that lets a program call the JSON API as `user` (`Authorization: Bearer ...`).

    Only a SHA-256 digest of the token is kept (accounts.tokens): the clear token is shown once,
    when it is made. A revoked token stays, so that the list shows what existed and when it was
    last used."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'stock sync'.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["user", "name", "id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
