"""Writes for online-store connections: the document, its key, its life (delete / restore), and
which catalog items each store carries.

Every function acts for a user and checks the "stores" permissions of accounts.permissions
within the user's account: an id that is missing, in another account or in a company the user
may not see is one NotFound; an id the user sees but may not change is NotAllowed. Data breaking
a rule is StoreInvalid with a message per StoreInput field (errors.py holds every message).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from backroom.accounts.models import Account, User
from backroom.accounts.permissions import has_permission, require_permission
from backroom.accounts.selectors import account_id_of, parse_id, scope_for_user
from backroom.catalog.models import Attribute, Category, PriceType
from backroom.companies.models import Company, Department
from backroom.customers.models import Customer
from backroom.stores import errors
from backroom.stores.addresses import parse_allowed_addresses
from backroom.stores.errors import NotFound, StoreInvalid, StoreLimitReached
from backroom.stores.keys import (
    decrypt_key,
    digests_match,
    encrypt_key,
    generate_key,
    key_digest,
    looks_like_key,
)
from backroom.stores.models import Store
from backroom.stores.sync import forget_unlinked, mark_store_catalog

DOCUMENT = "stores"
NAME_MAX_LENGTH = 250
DAYS_MAX = 365
MAX_IDS = 1000
"""Longer id lists are refused before any query (no store has that many departments)."""

RESYNC_FIELDS = frozenset(
    {"language", "regular_price_type_id", "sale_price_type_id", "department_ids"}
)
"""Fields whose change alters everything the store shows (texts, prices, stock)."""

LinkMode = Literal["add", "replace", "remove"]
LINK_MODES = ("add", "replace", "remove")


@dataclass(frozen=True)
class StoreInput:
    """The connection document as a form or the API sends it. Ids are as sent (validated
    here); `allowed_addresses` is text or a list of entries (see stores.addresses)."""

    company_id: int | None
    name: str
    language: str
    allowed_addresses: list[str] | str
    is_let_sync: bool
    regular_price_type_id: int | None
    sale_price_type_id: int | None
    orders_department_id: int | None
    order_creator_id: int | None
    if_customer_not_found: str
    default_customer_id: int | None
    days_to_shipment: int | None
    auto_reserve: bool
    department_ids: list[int]


FIELD_ORDER = tuple(field.name for field in fields(StoreInput))


@dataclass(frozen=True)
class StoreUpdate:
    """What update_store did: the StoreInput fields that changed, and whether the store's whole
    catalog was marked for re-sync because of them."""

    store: Store
    changed: set[str]
    resync: bool


@dataclass(frozen=True)
class LinkSummary:
    """What a link_* call did: links created and removed (over all stores), and SyncState rows
    deleted because a store no longer carries their item."""

    stores: int
    linked: int
    unlinked: int
    forgotten: int


@dataclass(frozen=True)
class _Clean:
    """StoreInput after validation, with the rows it refers to loaded."""

    company: Company
    name: str
    language: str
    allowed_addresses: list[str]
    is_let_sync: bool
    regular_price_type: PriceType
    sale_price_type: PriceType | None
    orders_department: Department
    order_creator: User
    if_customer_not_found: str
    default_customer: Customer | None
    days_to_shipment: int
    auto_reserve: bool
    departments: list[Department]

    def values(self) -> dict[str, object]:
        """The comparable value of each StoreInput field (ids for rows, a set of department
        ids: their order means nothing)."""
        return {
            "company_id": self.company.pk,
            "name": self.name,
            "language": self.language,
            "allowed_addresses": self.allowed_addresses,
            "is_let_sync": self.is_let_sync,
            "regular_price_type_id": self.regular_price_type.pk,
            "sale_price_type_id": _pk(self.sale_price_type),
            "orders_department_id": self.orders_department.pk,
            "order_creator_id": self.order_creator.pk,
            "if_customer_not_found": self.if_customer_not_found,
            "default_customer_id": _pk(self.default_customer),
            "days_to_shipment": self.days_to_shipment,
            "auto_reserve": self.auto_reserve,
            "department_ids": {department.pk for department in self.departments},
        }


# -- the document ---------------------------------------------------------------------------------


def validate_store_input(
    *, user: User, data: StoreInput, store: Store | None = None
) -> dict[str, list[str]]:
    """Every rule broken by `data` (for a new connection, or for `store`), as messages per
    StoreInput field, in form order; empty when the data may be saved. Forms call it to show
    which fields still need attention."""
    _, problems = _clean(user=user, data=data, store=store)
    return problems


def create_store(*, user: User, data: StoreInput) -> tuple[Store, str]:
    """A new connection and its key (in clear: the only time it is returned besides
    reveal_key). The account's limit of live connections is checked under a lock on the
    account row, so two creates at once cannot both take the last place."""
    require_permission(user, DOCUMENT, "create")
    clean = _require_clean(user=user, data=data, store=None)
    with transaction.atomic():
        check_store_limit(account_id=clean.company.account_id, adding=1)
        store = Store(
            company=clean.company,
            created_by=user,
            **_model_values(clean),
        )
        key = _save_with_new_key(store)
        store.departments.set(clean.departments)
    return store, key


def update_store(*, user: User, store_id: object, data: StoreInput) -> StoreUpdate:
    """Save the document; only fields that differ are written. A change of language, price
    types or the set of store departments marks everything the store was sent for re-sync;
    other changes mark nothing. The company never changes (an error on `company_id`)."""
    store = _get_store(user=user, store_id=store_id, action="edit")
    clean = _require_clean(user=user, data=data, store=store)
    with transaction.atomic():
        store = Store.objects.select_for_update().get(pk=store.pk)
        old = _stored_values(store)
        new = clean.values()
        changed = {name for name in FIELD_ORDER if old[name] != new[name]}
        if not changed:
            return StoreUpdate(store=store, changed=set(), resync=False)
        for attribute, value in _model_values(clean).items():
            setattr(store, attribute, value)
        store.changed_by = user
        store.save()
        if "department_ids" in changed:
            store.departments.set(clean.departments)
        resync = bool(changed & RESYNC_FIELDS)
        if resync:
            mark_store_catalog(store=store)
    return StoreUpdate(store=store, changed=changed, resync=resync)


# -- the key ---------------------------------------------------------------------------------


def regenerate_key(*, user: User, store_id: object) -> str:
    """Give the store a new key (the old one stops working at once) and return it in clear."""
    store = _get_store(user=user, store_id=store_id, action="edit")
    with transaction.atomic():
        store.changed_by = user
        return _save_with_new_key(store)


def reveal_key(*, user: User, store_id: object) -> str:
    """The store's key in clear, for users allowed to edit the store (viewers never see it).
    StoreKeyUnavailable when it cannot be decrypted (the key secret changed)."""
    store = _get_store(user=user, store_id=store_id, action="edit")
    return decrypt_key(store.key_ciphertext)


def find_store_by_key(key: object) -> Store | None:
    """The live store whose key this is, for the store API; None for anything else.

    A value not of the key's shape is refused without a query. The look-up is by HMAC digest
    (the clear key is not in the database) and the digest found is compared again in constant
    time. A deleted store is not found: the store API cannot forget to refuse it, and a caller
    cannot tell a deleted store's key from a wrong one. A store whose connection is switched
    off (`is_let_sync`) is returned: the API says so to the plugin."""
    if not looks_like_key(key):
        return None
    digest = key_digest(key)
    store = (
        Store.objects.filter(key_digest=digest, is_deleted=False).select_related("company").first()
    )
    if store is None or not digests_match(store.key_digest, digest):
        return None
    return store


# -- delete and restore -----------------------------------------------------------------------


def delete_stores(*, user: User, store_ids: Iterable[object]) -> int:
    """Soft-delete the stores (their keys stop working); returns how many were live."""
    stores = _get_stores(user=user, store_ids=store_ids, action="delete")
    live = [store.pk for store in stores if not store.is_deleted]
    return Store.objects.filter(pk__in=live, is_deleted=False).update(
        is_deleted=True, changed_by=user, changed_at=timezone.now()
    )


def restore_stores(*, user: User, store_ids: Iterable[object]) -> int:
    """Bring deleted stores back, within the account's limit of live connections (checked
    under the account lock, like create); returns how many were restored."""
    stores = _get_stores(user=user, store_ids=store_ids, action="delete")
    with transaction.atomic():
        deleted = list(
            Store.objects.select_for_update()
            .filter(pk__in=[store.pk for store in stores], is_deleted=True)
            .values_list("pk", flat=True)
        )
        if not deleted:
            return 0
        check_store_limit(account_id=account_id_of(user), adding=len(deleted))
        return Store.objects.filter(pk__in=deleted).update(
            is_deleted=False, changed_by=user, changed_at=timezone.now()
        )


def check_store_limit(*, account_id: int | None, adding: int, lock: bool = True) -> None:
    """StoreLimitReached unless `adding` more live stores fit in the account's limit. With
    `lock` (inside the caller's transaction), the account row stays locked until it ends, so
    concurrent creates and restores queue up and each counts what the others wrote; without,
    it is a form's early check."""
    accounts = Account.objects.select_for_update() if lock else Account.objects.all()
    account = accounts.get(pk=account_id)
    limit = (
        account.max_stores
        if account.max_stores is not None
        else settings.BACKROOM_MAX_STORES_PER_ACCOUNT
    )
    live = Store.objects.filter(company__account_id=account.pk, is_deleted=False).count()
    if live + adding > limit:
        raise StoreLimitReached(limit=limit)


# -- what stores carry ------------------------------------------------------------------------


def link_categories(
    *,
    user: User,
    store_ids: Iterable[object],
    category_ids: Iterable[object],
    mode: LinkMode,
) -> LinkSummary:
    """Link categories to stores (`add`), unlink them (`remove`), or make them exactly the
    stores' categories (`replace`). Links that stay keep their SyncState rows, so the stores'
    ids for them survive (the reference dropped them). Linking also marks the categories as
    online-store categories: linking is how a user says "offer this", and a linked category
    that is not marked is offered nowhere. (The mark is the category's, so a store it was
    already linked to starts carrying it too.) Unlinking deletes the rows of what a store no
    longer carries (stores.sync.forget_unlinked)."""
    return _link(
        user=user,
        store_ids=store_ids,
        item_ids=category_ids,
        mode=mode,
        model=Category,
    )


def link_attributes(
    *,
    user: User,
    store_ids: Iterable[object],
    attribute_ids: Iterable[object],
    mode: LinkMode,
) -> LinkSummary:
    """As link_categories, for attributes (their terms follow them)."""
    return _link(
        user=user,
        store_ids=store_ids,
        item_ids=attribute_ids,
        mode=mode,
        model=Attribute,
    )


def _link(
    *,
    user: User,
    store_ids: Iterable[object],
    item_ids: Iterable[object],
    mode: str,
    model: type[Category] | type[Attribute],
) -> LinkSummary:
    if mode not in LINK_MODES:
        raise StoreInvalid({"mode": [errors.LINK_MODE_INVALID]})
    stores = _get_stores(user=user, store_ids=store_ids, action="edit")
    return link_store_items(
        stores=stores,
        kind=model._meta.model_name,
        item_ids=_parse_ids(item_ids, model=model),
        mode=mode,
    )


def link_store_items(
    *,
    stores: Sequence[Store],
    kind: Literal["category", "attribute"],
    item_ids: Iterable[int],
    mode: LinkMode,
) -> LinkSummary:
    """The linking that link_categories and link_attributes do once the user's rights are
    checked, for callers that act for the installation (`import_products --store`): the stores
    must be of one company and the items that company's (else StoreInvalid / NotFound)."""
    if mode not in LINK_MODES:
        raise StoreInvalid({"mode": [errors.LINK_MODE_INVALID]})
    if not stores:
        raise StoreInvalid({"store_ids": [errors.LINK_STORES_REQUIRED]})
    if len({store.company_id for store in stores}) > 1:
        raise StoreInvalid({"store_ids": [errors.LINK_STORES_ONE_COMPANY]})
    model = {"category": Category, "attribute": Attribute}[kind]
    company_id = stores[0].company_id
    wanted = set(item_ids)
    found = set(
        model.objects.filter(company_id=company_id, pk__in=wanted).values_list("pk", flat=True)
    )
    if found != wanted:
        raise NotFound(model=model._meta.verbose_name.capitalize())
    through = (Store.categories if kind == "category" else Store.attributes).through
    item_field = f"{kind}_id"
    store_pks = [store.pk for store in stores]
    with transaction.atomic():
        links = through.objects.filter(store_id__in=store_pks)
        unlinked = 0
        if mode == "remove":
            unlinked, _ = links.filter(**{f"{item_field}__in": wanted}).delete()
        elif mode == "replace":
            unlinked, _ = links.exclude(**{f"{item_field}__in": wanted}).delete()
        linked = 0
        if mode != "remove":
            existing = set(links.values_list("store_id", item_field))
            missing = [
                through(store_id=store_pk, **{item_field: item_pk})
                for store_pk in store_pks
                for item_pk in sorted(wanted)
                if (store_pk, item_pk) not in existing
            ]
            through.objects.bulk_create(missing, ignore_conflicts=True)
            linked = len(missing)
            if model is Category:
                Category.objects.filter(pk__in=wanted, is_store_category=False).update(
                    is_store_category=True
                )
        forgotten = sum(forget_unlinked(store=store) for store in stores) if unlinked else 0
    return LinkSummary(stores=len(stores), linked=linked, unlinked=unlinked, forgotten=forgotten)


# -- helpers ------------------------------------------------------------------------------------


def _get_store(*, user: User, store_id: object, action: str) -> Store:
    """The store if the user may see it (else NotFound) and do `action` to it (else
    NotAllowed)."""
    return _get_stores(user=user, store_ids=[store_id], action=action)[0]


def _get_stores(*, user: User, store_ids: Iterable[object], action: str) -> list[Store]:
    """The stores `store_ids` (each visible to the user, else NotFound; each allowing
    `action`, else NotAllowed), in id order."""
    ids = _parse_ids(store_ids, model=Store)
    stores = list(
        scope_for_user(
            user=user,
            queryset=Store.objects.filter(pk__in=ids).select_related("company").order_by("pk"),
            document=DOCUMENT,
        )
    )
    if len(stores) != len(ids):
        raise NotFound(model=Store._meta.verbose_name.capitalize())
    for store in stores:
        require_permission(user, DOCUMENT, action, store.company_id)
    return stores


def _parse_ids(values: Iterable[object], *, model: type[Model]) -> set[int]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise NotFound(model=model._meta.verbose_name.capitalize())
    ids: set[int] = set()
    for value in values:
        parsed = parse_id(value)
        if parsed is None or len(ids) >= MAX_IDS:
            raise NotFound(model=model._meta.verbose_name.capitalize())
        ids.add(parsed)
    return ids


def _save_with_new_key(store: Store) -> str:
    """Give `store` a fresh key and save it; a digest already taken (122 random bits: in
    practice never) is retried with another key."""
    for _attempt in range(3):
        key = generate_key()
        store.key_digest = key_digest(key)
        store.key_ciphertext = encrypt_key(key)
        try:
            with transaction.atomic():
                store.save()
        except IntegrityError:
            if not Store.objects.filter(key_digest=store.key_digest).exists():
                raise
            continue
        return key
    raise RuntimeError("could not find an unused store key")


def _model_values(clean: _Clean) -> dict[str, object]:
    return {
        "name": clean.name,
        "language": clean.language,
        "allowed_addresses": clean.allowed_addresses,
        "is_let_sync": clean.is_let_sync,
        "regular_price_type": clean.regular_price_type,
        "sale_price_type": clean.sale_price_type,
        "orders_department": clean.orders_department,
        "order_creator": clean.order_creator,
        "if_customer_not_found": clean.if_customer_not_found,
        "default_customer": clean.default_customer,
        "days_to_shipment": clean.days_to_shipment,
        "auto_reserve": clean.auto_reserve,
    }


def _stored_values(store: Store) -> dict[str, object]:
    return {
        "company_id": store.company_id,
        "name": store.name,
        "language": store.language,
        "allowed_addresses": list(store.allowed_addresses or []),
        "is_let_sync": store.is_let_sync,
        "regular_price_type_id": store.regular_price_type_id,
        "sale_price_type_id": store.sale_price_type_id,
        "orders_department_id": store.orders_department_id,
        "order_creator_id": store.order_creator_id,
        "if_customer_not_found": store.if_customer_not_found,
        "default_customer_id": store.default_customer_id,
        "days_to_shipment": store.days_to_shipment,
        "auto_reserve": store.auto_reserve,
        "department_ids": set(store.departments.values_list("pk", flat=True)),
    }


def _pk(row: Model | None) -> int | None:
    return row.pk if row is not None else None


# -- validation ---------------------------------------------------------------------------------


def _require_clean(*, user: User, data: StoreInput, store: Store | None) -> _Clean:
    clean, problems = _clean(user=user, data=data, store=store)
    if problems:
        raise StoreInvalid(problems)
    return clean


def _clean(
    *, user: User, data: StoreInput, store: Store | None
) -> tuple[_Clean | None, dict[str, list[str]]]:
    """Check every field, collecting every message; load the rows the ids name, within the
    document's company (a row of another company, or of another account, is "unknown")."""
    problems: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    company = _clean_company(user=user, data=data, store=store, fail=fail)
    name = _clean_name(data.name, fail)
    language = _clean_language(data.language, fail)
    allowed_addresses = _clean_addresses(data.allowed_addresses, fail)
    is_let_sync = _clean_bool("is_let_sync", data.is_let_sync, fail)
    auto_reserve = _clean_bool("auto_reserve", data.auto_reserve, fail)

    regular_id = _reference_id("regular_price_type_id", data.regular_price_type_id, fail)
    sale_id = _reference_id("sale_price_type_id", data.sale_price_type_id, fail)
    orders_department_id = _reference_id("orders_department_id", data.orders_department_id, fail)
    creator_id = _reference_id("order_creator_id", data.order_creator_id, fail)
    customer_id = _reference_id("default_customer_id", data.default_customer_id, fail)
    department_ids = _department_ids(data.department_ids, fail)

    price_types: dict[int, PriceType] = {}
    departments: dict[int, Department] = {}
    creator: User | None = None
    customer: Customer | None = None
    if company is not None:
        wanted_price_types = {i for i in (regular_id, sale_id) if i}
        if wanted_price_types:
            price_types = PriceType.objects.filter(
                company=company, pk__in=wanted_price_types
            ).in_bulk()
        wanted_departments = set(department_ids or ())
        if orders_department_id:
            wanted_departments.add(orders_department_id)
        if wanted_departments:
            departments = Department.objects.filter(
                company=company, pk__in=wanted_departments
            ).in_bulk()
        if creator_id:
            creator = _order_creator(company=company, user_id=creator_id)
        if customer_id:
            customer = Customer.objects.filter(company=company, pk=customer_id).first()

    regular = _pick("regular_price_type_id", regular_id, price_types, company, fail)
    sale = _pick("sale_price_type_id", sale_id, price_types, company, fail)
    if regular_id is None and "regular_price_type_id" not in problems:
        fail("regular_price_type_id", errors.REGULAR_PRICE_TYPE_REQUIRED)
    if regular_id and sale_id == regular_id:
        fail("sale_price_type_id", errors.SALE_SAME_AS_REGULAR)

    orders_department = _pick(
        "orders_department_id", orders_department_id, departments, company, fail
    )
    if orders_department_id is None and "orders_department_id" not in problems:
        fail("orders_department_id", errors.ORDERS_DEPARTMENT_REQUIRED)

    if creator_id is None and "order_creator_id" not in problems:
        fail("order_creator_id", errors.ORDER_CREATOR_REQUIRED)
    elif creator_id and company is not None and creator is None:
        fail("order_creator_id", errors.ORDER_CREATOR_UNKNOWN)

    if_not_found = data.if_customer_not_found
    if not isinstance(if_not_found, str) or if_not_found not in Store.IfCustomerNotFound.values:
        fail("if_customer_not_found", errors.IF_CUSTOMER_NOT_FOUND_INVALID)
    if customer_id and company is not None and customer is None:
        fail("default_customer_id", errors.CUSTOMER_UNKNOWN)
    if (
        if_not_found == Store.IfCustomerNotFound.USE_DEFAULT
        and customer_id is None
        and "default_customer_id" not in problems
    ):
        fail("default_customer_id", errors.DEFAULT_CUSTOMER_REQUIRED)

    days = _clean_days(data.days_to_shipment, fail)

    store_departments: list[Department] = []
    if department_ids is not None and company is not None:
        if all(i in departments for i in department_ids):
            store_departments = [departments[i] for i in department_ids]
        else:
            fail("department_ids", errors.DEPARTMENTS_UNKNOWN)

    if problems:
        return None, {field: problems[field] for field in _ordered(problems)}
    return (
        _Clean(
            company=company,
            name=name,
            language=language,
            allowed_addresses=allowed_addresses,
            is_let_sync=is_let_sync,
            regular_price_type=regular,
            sale_price_type=sale,
            orders_department=orders_department,
            order_creator=creator,
            if_customer_not_found=if_not_found,
            default_customer=customer,
            days_to_shipment=days,
            auto_reserve=auto_reserve,
            departments=store_departments,
        ),
        {},
    )


def _ordered(problems: dict[str, list[str]]) -> list[str]:
    return sorted(problems, key=lambda f: FIELD_ORDER.index(f) if f in FIELD_ORDER else -1)


def _clean_company(*, user: User, data: StoreInput, store: Store | None, fail) -> Company | None:
    if store is not None:
        if _is_empty(data.company_id):
            return store.company
        if parse_id(data.company_id) != store.company_id:
            fail("company_id", errors.COMPANY_CANNOT_CHANGE)
        return store.company
    if _is_empty(data.company_id):
        fail("company_id", errors.COMPANY_REQUIRED)
        return None
    company_id = parse_id(data.company_id)
    account_id = account_id_of(user)
    company = (
        Company.objects.filter(account_id=account_id, pk=company_id).first()
        if company_id and account_id
        else None
    )
    if company is None:
        fail("company_id", errors.COMPANY_UNKNOWN)
        return None
    if not has_permission(user, DOCUMENT, "create", company.pk):
        fail("company_id", errors.COMPANY_NOT_ALLOWED)
        return None
    return company


def _clean_name(value: object, fail) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        fail("name", errors.NAME_REQUIRED)
    elif len(name) > NAME_MAX_LENGTH:
        fail("name", errors.NAME_TOO_LONG)
    elif any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        fail("name", errors.NAME_CONTROL_CHARACTERS)
    return name


def _clean_language(value: object, fail) -> str:
    language = value.strip() if isinstance(value, str) else ""
    if not language:
        fail("language", errors.LANGUAGE_REQUIRED)
    elif not (len(language) == 2 and language.isascii() and language.isalpha()):
        fail("language", errors.LANGUAGE_INVALID)
    return language.upper()


def _clean_addresses(value: object, fail) -> list[str]:
    try:
        addresses = parse_allowed_addresses(value)
    except ValidationError as error:
        for message in error.messages:
            fail("allowed_addresses", message)
        return []
    if not addresses:
        fail("allowed_addresses", errors.ADDRESSES_REQUIRED)
    return addresses


def _clean_bool(field: str, value: object, fail) -> bool:
    if not isinstance(value, bool):
        fail(field, errors.ON_OFF_INVALID)
        return False
    return value


_UNKNOWN = {
    "regular_price_type_id": errors.PRICE_TYPE_UNKNOWN,
    "sale_price_type_id": errors.PRICE_TYPE_UNKNOWN,
    "orders_department_id": errors.DEPARTMENT_UNKNOWN,
    "order_creator_id": errors.ORDER_CREATOR_UNKNOWN,
    "default_customer_id": errors.CUSTOMER_UNKNOWN,
}


def _is_empty(value: object) -> bool:
    return value is None or value == ""


def _reference_id(field: str, value: object, fail) -> int | None:
    """The id as sent: None when empty, 0 (and an "unknown" message) when it cannot be an id."""
    if _is_empty(value):
        return None
    parsed = parse_id(value)
    if parsed is None:
        fail(field, _UNKNOWN[field])
        return 0
    return parsed


def _pick(field: str, row_id: int | None, rows: dict, company: Company | None, fail):
    if not row_id or company is None:
        return None
    row = rows.get(row_id)
    if row is None:
        fail(field, _UNKNOWN[field])
    return row


def _department_ids(value: object, fail) -> list[int] | None:
    """The store departments' ids, in the given order without repeats; None after a message."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        fail("department_ids", errors.DEPARTMENTS_UNKNOWN)
        return None
    ids: list[int] = []
    for item in value:
        parsed = parse_id(item)
        if parsed is None or len(ids) >= MAX_IDS:
            fail("department_ids", errors.DEPARTMENTS_UNKNOWN)
            return None
        if parsed not in ids:
            ids.append(parsed)
    if not ids:
        fail("department_ids", errors.DEPARTMENTS_REQUIRED)
        return None
    return ids


def _order_creator(*, company: Company, user_id: int) -> User | None:
    """An active user of the company's account who belongs to this company: their own company
    is this one, or they have none (an account-wide user), or they own the account (owners
    belong to every company of it). A user whose own company is another is refused."""
    user = (
        User.objects.filter(pk=user_id, is_active=True, membership__account_id=company.account_id)
        .select_related("membership")
        .first()
    )
    if user is None:
        return None
    membership = user.membership
    if not membership.is_owner and membership.company_id not in (None, company.pk):
        return None
    return user


def _clean_days(value: object, fail) -> int:
    if _is_empty(value):
        fail("days_to_shipment", errors.DAYS_REQUIRED)
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= DAYS_MAX:
        fail("days_to_shipment", errors.DAYS_OUT_OF_RANGE)
        return 0
    return value
