"""Reads scoped to the signed-in user: which account, which companies, which rows.

Everything that serves a user starts here. The user's account is their membership's; a user
without one (or inactive) sees nothing. Superusers are installation operators: they use the
Django admin, which lets them see everything, and get no special treatment here.

Lookups by id follow Zulip's `access_stream_by_id`: one `NotFound` whether the row is missing,
in another account, or in a company the user may not see, and the id is parsed strictly, so
that a caller learns nothing by trying ids.
"""

from __future__ import annotations

import re

from django.db.models import Model, QuerySet

from backroom.accounts.errors import NotFound
from backroom.accounts.models import User
from backroom.accounts.permissions import company_ids_for
from backroom.accounts.tenancy import (
    company_path,
    scope_to_account,
    scope_to_companies,
)
from backroom.companies.models import Company

_MAX_ID = 2**63 - 1  # a bigint: anything larger cannot be a row, and PostgreSQL would reject it
_ID = re.compile(r"[0-9]{1,19}")


def account_id_of(user: User) -> int | None:
    """The id of the account `user` works in, or None (inactive, or not a member anywhere)."""
    if not user.is_active:
        return None
    membership = getattr(user, "membership", None)
    return membership.account_id if membership else None


def parse_id(value: object) -> int | None:
    """An id as sent by a caller (int or ASCII digits), or None when it cannot be a row's id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not _ID.fullmatch(value):
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 < value <= _MAX_ID:
        return None
    return value


def scope_for_user(
    *, user: User, queryset: QuerySet, document: str | None = None, action: str = "view"
) -> QuerySet:
    """The rows of `queryset` in the user's account; with `document`, only those of companies
    where the user may do `action` on that kind of document."""
    queryset = scope_to_account(account_id=account_id_of(user), queryset=queryset)
    if document is not None:
        if company_path(queryset.model) is None:
            raise ValueError(f"{queryset.model._meta.label} belongs to no company")
        queryset = scope_to_companies(
            company_ids=company_ids_for(user, document, action), queryset=queryset
        )
    return queryset


def get_for_user(
    *,
    user: User,
    queryset: QuerySet,
    pk: object,
    document: str | None = None,
    action: str = "view",
) -> Model:
    """The row `pk` of `queryset` if the user may see it (see scope_for_user), else NotFound."""
    model_name = queryset.model._meta.verbose_name.capitalize()
    row_id = parse_id(pk)
    if row_id is None:
        raise NotFound(model=model_name)
    scoped = scope_for_user(user=user, queryset=queryset, document=document, action=action)
    row = scoped.filter(pk=row_id).first()
    if row is None:
        raise NotFound(model=model_name)
    return row


def list_companies(
    *, user: User, document: str | None = None, action: str = "view"
) -> QuerySet[Company]:
    """The companies of the user's account, by name; with `document`, only those where the user
    may do `action` on that kind of document (the choices of a company select)."""
    return scope_for_user(
        user=user,
        queryset=Company.objects.order_by("name", "id"),
        document=document,
        action=action,
    )


def get_account_company(
    *, user: User, company_id: object, document: str | None = None, action: str = "view"
) -> Company:
    """A company of the user's account (and, with `document`, one where the user may do
    `action`), or NotFound: the same for a missing id and another account's."""
    return get_for_user(
        user=user,
        queryset=Company.objects.all(),
        pk=company_id,
        document=document,
        action=action,
    )


def list_account_users(*, user: User) -> QuerySet[User]:
    """The users of the user's account (for creator and order-creator selects)."""
    return scope_for_user(user=user, queryset=User.objects.order_by("username", "id"))
