"""Writes for accounts: a new tenant with its owner, its members, its roles.

Every function validates before it writes and raises Django's ValidationError, keyed by the
argument that is wrong, so that a command or a form can show it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from backroom.accounts.errors import NotFound
from backroom.accounts.models import Account, ApiToken, Membership, Role, User
from backroom.accounts.permissions import clean_permission_codes
from backroom.accounts.selectors import account_id_of, parse_id
from backroom.accounts.tokens import generate_token, looks_like_token, token_digest
from backroom.companies.models import Company


@transaction.atomic
def create_account(
    *,
    name: str,
    owner_username: str,
    owner_password: str,
    owner_email: str = "",
    company_name: str,
    company_language: str = "EN",
    company_country: str = "",
    company_time_zone: str = "UTC",
) -> tuple[Account, Company, User]:
    """A new tenant with its first company and its owner.

    The owner may do everything in the account (Membership.is_owner) and may sign in to the
    admin (is_staff), which shows them only their account; they are not a superuser, who
    would see every tenant."""
    account = Account(name=name.strip())
    account.full_clean()
    account.save()
    company = Company(
        account=account,
        name=company_name.strip(),
        language=company_language.strip().upper(),
        country=company_country.strip().upper(),
        time_zone=company_time_zone.strip(),
    )
    company.full_clean()
    company.save()
    owner = _create_user(username=owner_username, password=owner_password, email=owner_email)
    add_membership(account=account, user=owner, company=company, is_owner=True)
    return account, company, owner


@transaction.atomic
def create_member(
    *,
    account: Account,
    username: str,
    password: str,
    company: Company,
    roles: Iterable[Role] = (),
    email: str = "",
) -> User:
    """A user of `account` whose own company is `company`, holding `roles`.

    Members may sign in to the admin (is_staff): what they see there is what their roles
    grant, within their account."""
    user = _create_user(username=username, password=password, email=email)
    add_membership(account=account, user=user, company=company, roles=roles)
    return user


def add_membership(
    *,
    account: Account,
    user: User,
    company: Company | None,
    roles: Iterable[Role] = (),
    is_owner: bool = False,
) -> Membership:
    """Put an existing user into `account`. The company and every role must be the account's:
    a foreign one would hand the user rights in another tenant."""
    roles = list(roles)
    if company is not None and company.account_id != account.pk:
        raise ValidationError({"company": "The company belongs to another account."})
    if any(role.account_id != account.pk for role in roles):
        raise ValidationError({"roles": "A role belongs to another account."})
    if Membership.objects.filter(user=user).exists():
        raise ValidationError({"user": "The user is already a member of an account."})
    membership = Membership.objects.create(
        user=user, account=account, company=company, is_owner=is_owner
    )
    membership.roles.set(roles)
    return membership


def create_role(*, account: Account, name: str, permissions: Iterable[str]) -> Role:
    """A role of `account` granting `permissions` (codes such as `catalog.view.own`); an
    unknown code is a ValidationError that names it."""
    try:
        codes = clean_permission_codes(permissions)
    except ValidationError as error:
        raise ValidationError({"permissions": error}) from None
    role = Role(account=account, name=name.strip(), permissions=codes)
    role.full_clean()
    role.save()
    return role


def _create_user(*, username: str, password: str, email: str) -> User:
    """A staff user with a checked username, e-mail and password (Django's validators and the
    project's password rules). A username taken meanwhile is reported like one taken before."""
    user = User(username=username.strip(), email=email.strip(), is_staff=True)
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"username": "A user with that username already exists."}, code="unique"
        ) from None
    return user


# How stale `ApiToken.last_used_at` may get: a write on every API call would serialise the calls
# of one token on SQLite for a date that nobody needs to the second.
LAST_USED_PRECISION = timedelta(minutes=1)


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for `user`; returns the row and the clear token, which is not kept and
    so must be shown to the caller now or never."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token."})
    raw = generate_token()
    token = ApiToken(user=user, name=name, digest=token_digest(raw))
    token.full_clean(exclude=["digest"])
    token.save()
    return token, raw


def revoke_api_token(*, user: User, token_id: object) -> ApiToken:
    """Revoke one of `user`'s tokens; an account's owner may also revoke its members' tokens.
    Any other id (missing, someone else's) is NotFound. Revoking twice is harmless."""
    token_pk = parse_id(token_id)
    if token_pk is None:
        raise NotFound(model="API token")
    visible = Q(user=user)
    membership = getattr(user, "membership", None)
    if user.is_active and membership is not None and membership.is_owner:
        visible |= Q(user__membership__account_id=account_id_of(user))
    token = ApiToken.objects.filter(visible, pk=token_pk).first()
    if token is None:
        raise NotFound(model="API token")
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
    return token


def authenticate_token(raw: object) -> User | None:
    """The active user whose live token `raw` is, else None. Anything not shaped like a token
    is refused without a query; a hit refreshes `last_used_at` (to the minute)."""
    if not looks_like_token(raw):
        return None
    token = (
        ApiToken.objects.select_related("user__membership")
        .filter(digest=token_digest(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
