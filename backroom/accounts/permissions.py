"""Permission codes and the one check that reads them.

A code is `<document>.<action>.<scope>`: document is a kind of document (stores, orders, ...),
action one of view / create / edit / delete, scope `own` (the user's own company) or `all`
(every company of the account). `all` includes `own`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backroom.accounts.models import User

DOCUMENTS = (
    "companies",
    "departments",
    "price_types",
    "catalog",
    "inventory",
    "customers",
    "orders",
    "stores",
)
ACTIONS = ("view", "create", "edit", "delete")
SCOPES = ("own", "all")


@cache
def all_permission_codes() -> frozenset[str]:
    return frozenset(f"{d}.{a}.{s}" for d in DOCUMENTS for a in ACTIONS for s in SCOPES)


def granted_codes(user: User) -> frozenset[str]:
    membership = getattr(user, "membership", None)
    if membership is None or not user.is_active:
        return frozenset()
    if membership.is_owner:
        return all_permission_codes()
    codes: set[str] = set()
    for role in membership.roles.all():
        codes.update(role.permissions)
    return frozenset(codes & all_permission_codes())


def has_permission(user: User, document: str, action: str, company_id: int | None = None) -> bool:
    """May `user` do `action` on a `document` of company `company_id` (None: of any company)?

    The company must be in the user's account; callers look documents up within the account
    first, so a foreign id never reaches here as "allowed"."""
    if document not in DOCUMENTS or action not in ACTIONS:
        raise ValueError(f"unknown permission {document}.{action}")
    codes = granted_codes(user)
    if f"{document}.{action}.all" in codes:
        return True
    if f"{document}.{action}.own" not in codes:
        return False
    own_company_id = user.membership.company_id
    return company_id is None or company_id == own_company_id


def company_ids_for(user: User, document: str, action: str) -> list[int] | None:
    """The companies whose documents the user may act on: None means every company of the
    account; an empty list means none."""
    codes = granted_codes(user)
    if f"{document}.{action}.all" in codes:
        return None
    if f"{document}.{action}.own" in codes and user.membership.company_id:
        return [user.membership.company_id]
    return []
