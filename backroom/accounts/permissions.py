"""Permission codes and the one check that reads them.

A code is `<document>.<action>.<scope>`: document is a kind of document (stores, orders, ...),
action one of view / create / edit / delete, scope `own` (the user's own company) or `all`
(every company of the account). `all` includes `own`. This is the reference's model
(spec/reference-server.md 2.1): a role grants codes; the owner of an account has them all.

Every function here answers for companies *of the user's account*: callers look rows up within
the account first (backroom.accounts.selectors), so a foreign id never reaches a check.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from backroom.accounts.errors import NotAllowed

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

DOCUMENT_LABELS = {
    "companies": "Companies",
    "departments": "Departments",
    "price_types": "Price types",
    "catalog": "Catalog",
    "inventory": "Stock documents",
    "customers": "Customers",
    "orders": "Customer orders",
    "stores": "Online stores",
}
ACTION_LABELS = {"view": "View", "create": "Create", "edit": "Edit", "delete": "Delete"}
SCOPE_LABELS = {"own": "own company", "all": "all companies"}

# Cached on the user object for the life of a request, like Django's ModelBackend._perm_cache:
# the admin asks several times per page and the answer cannot change within one request.
_CACHE_ATTR = "_backroom_granted_codes"


@cache
def all_permission_codes() -> frozenset[str]:
    return frozenset(f"{d}.{a}.{s}" for d in DOCUMENTS for a in ACTIONS for s in SCOPES)


def permission_label(code: str) -> str:
    """`catalog.edit.own` -> "Catalog: Edit, own company" (for role forms)."""
    document, action, scope = code.split(".")
    return f"{DOCUMENT_LABELS[document]}: {ACTION_LABELS[action]}, {SCOPE_LABELS[scope]}"


def permission_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every code, grouped by document, in a stable order: the choices of a role's form."""
    return [
        (
            DOCUMENT_LABELS[d],
            [(f"{d}.{a}.{s}", permission_label(f"{d}.{a}.{s}")) for a in ACTIONS for s in SCOPES],
        )
        for d in DOCUMENTS
    ]


def clean_permission_codes(codes: Iterable[object]) -> list[str]:
    """The codes as a sorted list without repeats; ValidationError naming every unknown code.

    Roles are stored as JSON, so anything may arrive here: non-strings count as unknown."""
    if isinstance(codes, str | bytes) or not isinstance(codes, Iterable):
        raise ValidationError("Permissions must be a list of codes.", code="invalid_permissions")
    codes = list(codes)
    known = all_permission_codes()
    unknown = sorted({repr(c) if not isinstance(c, str) else c for c in codes} - known)
    if unknown:
        raise ValidationError(
            "Unknown permission codes: %(codes)s.",
            code="unknown_permission",
            params={"codes": ", ".join(unknown)},
        )
    return sorted(set(codes))


def granted_codes(user: User) -> frozenset[str]:
    """The codes `user` holds now: none when inactive or outside every account, all for an
    account's owner, else the union of the roles' codes."""
    if not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    membership = getattr(user, "membership", None)
    if membership is None:
        codes: frozenset[str] = frozenset()
    elif membership.is_owner:
        codes = all_permission_codes()
    else:
        held: set[str] = set()
        for role in membership.roles.all():
            if isinstance(role.permissions, list):
                held.update(c for c in role.permissions if isinstance(c, str))
        codes = frozenset(held & all_permission_codes())
    setattr(user, _CACHE_ATTR, codes)
    return codes


def forget_granted_codes(user: User) -> None:
    """Drop the cached codes, after the user's roles or membership changed in this request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _check_known(document: str, action: str) -> None:
    if document not in DOCUMENTS or action not in ACTIONS:
        raise ValueError(f"unknown permission {document}.{action}")


def has_permission(user: User, document: str, action: str, company_id: int | None = None) -> bool:
    """May `user` do `action` on a `document` of company `company_id`?

    With `company_id=None` the question is "on at least one company" (may the user open the
    list, may a create button show). `own` needs the user's own company to be set; `all`
    covers every company of the user's account (the caller has checked the company is in it)."""
    _check_known(document, action)
    codes = granted_codes(user)
    if f"{document}.{action}.all" in codes:
        return True
    if f"{document}.{action}.own" not in codes:
        return False
    own_company_id = user.membership.company_id
    if own_company_id is None:
        return False
    return company_id is None or company_id == own_company_id


def require_permission(
    user: User, document: str, action: str, company_id: int | None = None
) -> None:
    """has_permission, or NotAllowed: for services that act for a user."""
    if not has_permission(user, document, action, company_id):
        raise NotAllowed(document=document, action=action)


def company_ids_for(user: User, document: str, action: str) -> list[int] | None:
    """The companies whose documents the user may act on: None means every company of the
    account; an empty list means none."""
    _check_known(document, action)
    codes = granted_codes(user)
    if f"{document}.{action}.all" in codes:
        return None
    if f"{document}.{action}.own" in codes and user.membership.company_id:
        return [user.membership.company_id]
    return []
