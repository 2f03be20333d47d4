"""Companies of an account and their departments (warehouses, shops)."""

import zoneinfo

from django.core.validators import RegexValidator
from django.db import models

two_letters = RegexValidator(r"^[A-Za-z]{2}$", "Use exactly two letters.")


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Company(models.Model):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="companies"
    )
    name = models.CharField(max_length=250)
    language = models.CharField(
        max_length=2,
        default="EN",
        validators=[two_letters],
        help_text="The language of the company's base texts (two letters).",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[two_letters],
        help_text="ISO 3166 country code; the default region for phone numbers.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", choices=time_zone_choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.language = self.language.upper()
        self.country = self.country.upper()
        super().save(*args, **kwargs)


class Department(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(max_length=250)
    address = models.CharField(max_length=500, blank=True)
    menu_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["menu_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"], name="department_name_unique_per_company"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DocumentCounter(models.Model):
    """The last number given to a kind of document in a company. Rows are locked while a number is
    taken, so two documents created at once never share a number."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind"], name="document_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.last_number}"
