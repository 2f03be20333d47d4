"""Screens of the online-store connections: the list, the document, its key, what each store
carries, and translations in each store's language.

Views hold no rules: they read through stores.selectors (and the accounts selectors for the
account's companies, users and customers), write through stores.services and
catalog.services, and turn NotFound into one 404 (missing and foreign ids alike) and NotAllowed
into a 403 that says which permission is missing. htmx requests get fragments; every write also
works as a plain form post.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from backroom.accounts.errors import NotAllowed, NotFound
from backroom.accounts.models import User
from backroom.accounts.permissions import company_ids_for, has_permission
from backroom.accounts.selectors import (
    list_account_users,
    list_companies,
    parse_id,
    scope_for_user,
)
from backroom.catalog.errors import InvalidTranslation
from backroom.catalog.models import Attribute, Category, PriceType, Product, Term
from backroom.catalog.selectors import translation_fields
from backroom.catalog.services import save_translation
from backroom.companies.models import Company, Department
from backroom.customers.models import Customer
from backroom.stores import selectors, services
from backroom.stores.errors import StoreInvalid, StoreKeyUnavailable, StoreLimitReached
from backroom.stores.forms import DOCUMENT_FIELDS, LinkForm, StoreForm, merge_errors
from backroom.stores.models import Store
from backroom.web.responses import denied, pager_links, query_string, screen_of

DOCUMENT = "stores"
SEARCH_MAX_LENGTH = 100
"""Longer search text is cut: nobody types more, and it keeps LIKE patterns small."""
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
SORTS = ("name", "language", "is_let_sync", "creator", "created", "company")
PICK_LIMIT = 10
PICK_MIN_LENGTH = 1

ACTION_WORDS = {"view": "view", "create": "create", "edit": "change", "delete": "delete"}

FIELD_LABELS = {
    "company_id": "Company",
    "name": "Name",
    "language": "Language",
    "allowed_addresses": "IP addresses of the online store",
    "is_let_sync": "Connection allowed",
    "regular_price_type_id": "Regular price",
    "sale_price_type_id": "Sale price",
    "orders_department_id": "Department",
    "order_creator_id": "Customer order's creator",
    "if_customer_not_found": "If customer is not found",
    "default_customer_id": "Default customer",
    "days_to_shipment": "Days to the estimated shipment date",
    "auto_reserve": "Auto-reserve",
    "department_ids": "Store departments",
    "__all__": "Connection",
}
OUTSIDE_COMPANY_PART = ("company_id", "name", "language", "allowed_addresses", "is_let_sync")
"""Fields of the document outside the part a change of company re-renders."""
ID_VALUE_FIELDS = (
    "company_id",
    "regular_price_type_id",
    "sale_price_type_id",
    "orders_department_id",
    "order_creator_id",
    "default_customer_id",
)


# -- answers shared by every view -------------------------------------------------------------


def _reason(error: NotAllowed) -> str:
    word = ACTION_WORDS.get(error.action, error.action)
    return f"Your roles do not let you {word} online-store connections of this company."


screen = screen_of(what="online-store connection", back="stores:list", reason=_reason)


def _require(user: User, action: str, company_id: int | None = None) -> None:
    if not has_permission(user, DOCUMENT, action, company_id):
        raise NotAllowed(document=DOCUMENT, action=action)


def _toast(response: HttpResponse, text: str) -> HttpResponse:
    return trigger_client_event(response, "toast", text)


def _clean_text(value: str, limit: int = SEARCH_MAX_LENGTH) -> str:
    """Search text as a query may hold it: cut, without NUL (PostgreSQL refuses it) or other
    control characters."""
    return "".join(c for c in value[:limit] if c.isprintable()).strip()


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/stores/")
        and len(target) <= 2000
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return default


# -- the list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListState:
    """The list's state, all of it in the query string (so a link or a reload shows the same
    rows). Anything unreadable falls back to the default instead of failing."""

    search: str = ""
    company_id: int | None = None
    sort: str = "name"
    descending: bool = False
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    deleted: bool = False

    @classmethod
    def read(cls, params: QueryDict, *, company_ids: set[int], may_see_deleted: bool):
        sort = params.get("sort", "")
        descending = sort.startswith("-")
        sort = sort.removeprefix("-")
        if sort not in SORTS:
            sort, descending = "name", False
        company_id = parse_id(params.get("company", ""))
        size = parse_id(params.get("size", ""))
        page = parse_id(params.get("page", "")) or 1
        return cls(
            search=_clean_text(params.get("q", "")),
            company_id=company_id if company_id in company_ids else None,
            sort=sort,
            descending=descending,
            page=min(page, 10**9),
            size=size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE,
            deleted=may_see_deleted and params.get("deleted") == "1",
        )

    def params(self, **changes) -> str:
        """The query string of this state with `changes`; defaults are left out."""
        values = {
            "q": self.search,
            "company": self.company_id or "",
            "sort": ("-" if self.descending else "") + self.sort,
            "page": self.page,
            "size": self.size,
            "deleted": "1" if self.deleted else "",
        }
        values.update(changes)
        return query_string(values, defaults={"sort": "name", "page": 1, "size": DEFAULT_PAGE_SIZE})


@screen
@require_GET
def store_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(user, "view")
    companies = list(list_companies(user=user, document=DOCUMENT, action="view"))
    may_delete = has_permission(user, DOCUMENT, "delete")
    state = ListState.read(
        request.GET, company_ids={c.pk for c in companies}, may_see_deleted=may_delete
    )
    page = selectors.list_stores(
        user=user,
        search=state.search,
        company_id=state.company_id,
        sort=state.sort,
        descending=state.descending,
        page=state.page,
        page_size=state.size,
        deleted=state.deleted,
    )
    state = replace(state, page=page.page)
    deletable = _deletable_company_ids(user)
    rows = [
        {"store": store, "may_delete": deletable is None or store.company_id in deletable}
        for store in page.items
    ]
    columns = [("name", "Name"), ("language", "Language"), ("is_let_sync", "Connection allowed")]
    if len(companies) > 1:
        columns.append(("company", "Company"))
    columns += [("creator", "Creator"), ("created", "Created")]
    context = {
        "state": state,
        "page": page,
        "rows": rows,
        "columns": [
            {
                "key": key,
                "label": label,
                "sorted": state.sort == key,
                "descending": state.descending,
                "url": state.params(sort=_next_sort(state, key), page=1),
            }
            for key, label in columns
        ],
        "companies": companies,
        "page_sizes": PAGE_SIZES,
        "show_company": len(companies) > 1,
        "may_create": has_permission(user, DOCUMENT, "create"),
        "may_delete": may_delete,
        "any_deletable": any(row["may_delete"] for row in rows),
        "tab_live": state.params(deleted="", page=1),
        "tab_deleted": state.params(deleted="1", page=1),
        **pager_links(state.params, page=page.page, pages=page.pages),
        "here": request.get_full_path()[:2000],
    }
    return render(request, "stores/list.html", context)


def _next_sort(state: ListState, key: str) -> str:
    """Clicking a column sorts by it; clicking the sorted column again flips the order."""
    return f"-{key}" if state.sort == key and not state.descending else key


def _deletable_company_ids(user: User) -> set[int] | None:
    ids = company_ids_for(user, DOCUMENT, "delete")
    return None if ids is None else set(ids)


# -- delete and restore (a confirmation page: works with and without JavaScript) ----------------


@screen
@require_http_methods(["GET", "POST"])
def store_delete(request: HttpRequest) -> HttpResponse:
    return _change_life(request, operation="delete")


@screen
@require_http_methods(["GET", "POST"])
def store_restore(request: HttpRequest) -> HttpResponse:
    return _change_life(request, operation="restore")


LIFE_TEXTS = {
    "delete": {
        "title": "Deleting",
        "question": "Delete the selected connections? Their stores can no longer call Backroom.",
        "button": "Yes, delete",
        "done": "Deleted to the bin: {n}.",
    },
    "restore": {
        "title": "Restore",
        "question": "Restore the selected connections from the deleted ones?",
        "button": "Yes, restore",
        "done": "Restored: {n}.",
    },
}


def _change_life(request: HttpRequest, *, operation: str) -> HttpResponse:
    user = request.user
    back = _safe_next(request, reverse("stores:list"))
    raw_ids = (request.POST if request.method == "POST" else request.GET).getlist("ids")
    if not raw_ids:
        messages.info(request, "Tick the connections first.")
        return redirect(back)
    texts = LIFE_TEXTS[operation]
    if request.method == "POST":
        act = services.delete_stores if operation == "delete" else services.restore_stores
        try:
            count = act(user=user, store_ids=raw_ids[: services.MAX_IDS + 1])
        except StoreLimitReached as error:
            messages.error(request, str(error))
            return redirect(back)
        messages.success(request, texts["done"].format(n=count))
        return redirect(back)
    stores = _stores_for(user, raw_ids, action="delete")
    return render(
        request,
        "stores/confirm_life.html",
        {"stores": stores, "texts": texts, "operation": operation, "back": back},
    )


def _stores_for(user: User, raw_ids: list[str], *, action: str) -> list[Store]:
    """The stores named for a confirmation page: NotFound unless every id is one the user
    sees, NotAllowed unless the user may do `action` to each."""
    ids = {parse_id(raw) for raw in raw_ids[: services.MAX_IDS + 1]}
    if None in ids or len(ids) > services.MAX_IDS:
        raise NotFound(model="Store")
    stores = list(
        scope_for_user(
            user=user,
            queryset=Store.objects.filter(pk__in=ids).select_related("company"),
            document=DOCUMENT,
        ).order_by("name", "id")
    )
    if len(stores) != len(ids):
        raise NotFound(model="Store")
    for store in stores:
        _require(user, action, store.company_id)
    return stores


# -- the document -------------------------------------------------------------------------------


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _values_from_store(store: Store) -> dict[str, object]:
    values: dict[str, object] = {
        "company_id": _s(store.company_id),
        "name": store.name,
        "language": store.language,
        "allowed_addresses": "\n".join(store.allowed_addresses or []),
        "is_let_sync": store.is_let_sync,
        "if_customer_not_found": store.if_customer_not_found,
        "days_to_shipment": _s(store.days_to_shipment),
        "auto_reserve": store.auto_reserve,
        "department_ids": [str(pk) for pk in store.departments.values_list("pk", flat=True)],
    }
    for name in ID_VALUE_FIELDS[1:]:
        values[name] = _s(getattr(store, name))
    return values


def _values_from_post(post: QueryDict, form: StoreForm) -> dict[str, object]:
    values: dict[str, object] = {name: post.get(name, "") for name in DOCUMENT_FIELDS}
    values["is_let_sync"] = bool(form.cleaned_data.get("is_let_sync"))
    values["auto_reserve"] = bool(form.cleaned_data.get("auto_reserve"))
    values["department_ids"] = post.getlist("department_ids")[:1000]
    if values["if_customer_not_found"] != Store.IfCustomerNotFound.USE_DEFAULT:
        values["default_customer_id"] = ""
    return values


def _company_defaults(*, user: User, company: Company | None) -> dict[str, object]:
    """What a new connection starts with in `company`: the first price type as regular (no
    sale price preset), the first department for orders, every department for stock, and the
    current user as the orders' creator when they may be one there."""
    if company is None:
        return {
            "regular_price_type_id": "",
            "sale_price_type_id": "",
            "orders_department_id": "",
            "department_ids": [],
            "order_creator_id": "",
            "default_customer_id": "",
        }
    price_type = PriceType.objects.filter(company=company).order_by("name", "id").first()
    department_ids = [str(pk) for pk in _departments(company).values_list("pk", flat=True)]
    membership = getattr(user, "membership", None)
    creator_ok = membership is not None and membership.company_id in (None, company.pk)
    return {
        "regular_price_type_id": _s(price_type.pk if price_type else None),
        "sale_price_type_id": "",
        "orders_department_id": department_ids[0] if department_ids else "",
        "department_ids": department_ids,
        "order_creator_id": _s(user.pk) if creator_ok else "",
        "default_customer_id": "",
    }


def _departments(company: Company):
    return Department.objects.filter(company=company).order_by("menu_order", "name", "id")


def _new_values(*, user: User, company: Company | None) -> dict[str, object]:
    return {
        "company_id": _s(company.pk if company else None),
        "name": "",
        "language": company.language if company else "EN",
        "allowed_addresses": "",
        "is_let_sync": True,
        "if_customer_not_found": Store.IfCustomerNotFound.CREATE_NEW,
        "days_to_shipment": "1",
        "auto_reserve": False,
        **_company_defaults(user=user, company=company),
    }


def _default_company(request: HttpRequest, companies: list[Company]) -> Company | None:
    """The company asked for (?company=), else the user's own, else the first allowed."""
    by_id = {company.pk: company for company in companies}
    asked = parse_id(request.GET.get("company", ""))
    if asked in by_id:
        return by_id[asked]
    own = getattr(getattr(request.user, "membership", None), "company_id", None)
    if own in by_id:
        return by_id[own]
    return companies[0] if companies else None


def _read_post(request: HttpRequest, store: Store | None):
    """(values to show again, the StoreInput, every message per field)."""
    form = StoreForm(request.POST)
    form.is_valid()
    data = form.to_input()
    rules = services.validate_store_input(user=request.user, data=data, store=store)
    errors = merge_errors(form.reading_errors(), rules)
    return _values_from_post(request.POST, form), data, errors


def _has_input(value: object) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, list):
        return bool(value)
    return str(value).strip() != ""


def _field_states(
    values: dict[str, object], errors: dict[str, list[str]], *, submitted: bool
) -> dict[str, dict[str, object]]:
    """Per field: its value, whether it wears the red asterisk (empty or wrong), and the
    messages shown under it (for what was typed, and for everything after a Save)."""
    states = {}
    for name in DOCUMENT_FIELDS:
        value = values.get(name, "")
        problems = errors.get(name, [])
        states[name] = {
            "value": value,
            "star": bool(problems),
            "messages": problems if (submitted or _has_input(value)) else [],
        }
    return states


def _summary(errors: dict[str, list[str]]) -> list[dict[str, str]]:
    return [
        {"field": name, "label": FIELD_LABELS.get(name, name), "message": message}
        for name, problems in errors.items()
        for message in problems
    ]


def _document_context(
    request: HttpRequest,
    *,
    store: Store | None,
    values: dict[str, object],
    errors: dict[str, list[str]],
    submitted: bool = False,
    resync_question: bool = False,
    general_errors: list[str] | None = None,
) -> dict[str, object]:
    user = request.user
    if store is None:
        companies = list(list_companies(user=user, document=DOCUMENT, action="create"))
        company = next((c for c in companies if _s(c.pk) == values.get("company_id")), None)
        may_edit = True
    else:
        companies = []
        company = store.company
        may_edit = has_permission(user, DOCUMENT, "edit", store.company_id)
    states = _field_states(values, errors, submitted=submitted)
    return {
        "store": store,
        "is_new": store is None,
        "may_edit": may_edit,
        "may_create": has_permission(user, DOCUMENT, "create"),
        "companies": companies,
        "company": company,
        "f": states,
        "errors": errors,
        "summary": _summary(errors) if submitted else [],
        "general_errors": general_errors or [],
        "submitted": submitted,
        "resync_question": resync_question,
        "price_types": list(PriceType.objects.filter(company=company)) if company else [],
        "departments": list(_departments(company)) if company else [],
        "creator_label": _user_label(user, values.get("order_creator_id")),
        "customer_label": _customer_label(company, values.get("default_customer_id")),
        "use_default": values.get("if_customer_not_found") == Store.IfCustomerNotFound.USE_DEFAULT,
        "customer_modes": Store.IfCustomerNotFound.choices,
        "languages": LANGUAGES,
        "api_url": selectors.store_api_url(),
        **(_status_context(store) if store is not None else {}),
    }


WAITING_LABELS = {
    "category": "categories",
    "attribute": "attributes",
    "term": "terms",
    "product": "products",
    "variation": "variations",
}


def _status_context(store: Store) -> dict[str, object]:
    status = selectors.store_status(store=store)
    return {
        "status": status,
        "waiting": [
            (WAITING_LABELS.get(kind, kind), count) for kind, count in status.waiting.items()
        ],
        "store_departments": list(store.departments.all()),
    }


def _document_template(context: dict[str, object]) -> str:
    return "stores/document.html" if context["may_edit"] else "stores/document_readonly.html"


LANGUAGES = sorted(
    (code.upper(), info["name"])
    for code, info in LANG_INFO.items()
    if len(code) == 2 and "name" in info
)
"""Two-letter languages Django knows, offered under the Language field (any two letters are
accepted: the list only helps)."""


def _user_label(user: User, value: object) -> str:
    user_id = parse_id(value)
    if user_id is None:
        return ""
    found = list_account_users(user=user).filter(pk=user_id).first()
    return _person(found) if found else ""


def _person(user: User) -> str:
    full = user.get_full_name().strip()
    return f"{full} ({user.username})" if full else user.username


def _customer_label(company: Company | None, value: object) -> str:
    customer_id = parse_id(value)
    if company is None or customer_id is None:
        return ""
    customer = Customer.objects.filter(company=company, pk=customer_id).first()
    return customer.name if customer else ""


@screen
@require_http_methods(["GET", "POST"])
def store_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(user, "create")
    if request.method == "GET":
        companies = list(list_companies(user=user, document=DOCUMENT, action="create"))
        values = _new_values(user=user, company=_default_company(request, companies))
        errors = _check_values(user, values, store=None)
        context = _document_context(request, store=None, values=values, errors=errors)
        return render(request, "stores/document.html", context)
    values, data, errors = _read_post(request, None)
    general: list[str] = []
    if not errors:
        try:
            store, _key = services.create_store(user=user, data=data)
        except StoreInvalid as error:
            errors = error.errors
        except StoreLimitReached as error:
            general.append(str(error))
        else:
            messages.success(request, "Document successfully created.")
            return redirect("stores:detail", store_id=store.pk)
    context = _document_context(
        request, store=None, values=values, errors=errors, submitted=True, general_errors=general
    )
    return render(request, "stores/document.html", context)


def _as_query(values: dict[str, object]) -> QueryDict:
    """Values as a browser would post them (so a fresh document is checked like a posted one)."""
    query = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                query[name] = "on"
        elif isinstance(value, list):
            query.setlist(name, value)
        else:
            query[name] = value
    return query


def _would_resync(store: Store, data: services.StoreInput) -> bool:
    """Would saving `data` re-send the store's whole catalog (services.RESYNC_FIELDS)?"""
    stored = {
        "language": store.language,
        "regular_price_type_id": store.regular_price_type_id,
        "sale_price_type_id": store.sale_price_type_id,
        "department_ids": set(store.departments.values_list("pk", flat=True)),
    }
    sent = {
        "language": data.language.strip().upper(),
        "regular_price_type_id": data.regular_price_type_id,
        "sale_price_type_id": data.sale_price_type_id,
        "department_ids": set(data.department_ids),
    }
    return any(stored[name] != sent[name] for name in services.RESYNC_FIELDS)


@screen
@require_http_methods(["GET", "POST"])
def store_detail(request: HttpRequest, store_id: int) -> HttpResponse:
    user = request.user
    store = selectors.get_store(user=user, store_id=store_id)
    if request.method == "GET":
        values = _values_from_store(store)
        errors = {}
        if has_permission(user, DOCUMENT, "edit", store.company_id):
            errors = _check_values(user, values, store=store)
        context = _document_context(request, store=store, values=values, errors=errors)
        return render(request, _document_template(context), context)
    _require(user, "edit", store.company_id)
    values, data, errors = _read_post(request, store)
    resync_question = False
    if not errors:
        if _would_resync(store, data) and request.POST.get("confirm_resync") != "1":
            resync_question = True
        else:
            try:
                update = services.update_store(user=user, store_id=store.pk, data=data)
            except StoreInvalid as error:
                errors = error.errors
            else:
                text = "Document successfully saved."
                if update.resync:
                    text += " The store's whole catalog will be sent again."
                elif not update.changed:
                    text = "Nothing changed."
                messages.success(request, text)
                return redirect("stores:detail", store_id=store.pk)
    context = _document_context(
        request,
        store=store,
        values=values,
        errors=errors,
        submitted=bool(errors),
        resync_question=resync_question,
    )
    return render(request, "stores/document.html", context)


def _check_values(
    user: User, values: dict[str, object], *, store: Store | None
) -> dict[str, list[str]]:
    """Every message for `values` (as shown in the form), read as a browser would post them."""
    form = StoreForm(_as_query(values))
    form.is_valid()
    rules = services.validate_store_input(user=user, data=form.to_input(), store=store)
    return merge_errors(form.reading_errors(), rules)


@screen
@require_POST
def store_validate(request: HttpRequest, store_id: int | None = None) -> HttpResponse:
    """Live check of the document as typed (htmx, on every change): the asterisks, the
    messages under fields and, after a first Save, the summary, as out-of-band swaps."""
    user = request.user
    store = None
    if store_id is None:
        _require(user, "create")
    else:
        store = selectors.get_store(user=user, store_id=store_id)
        _require(user, "edit", store.company_id)
    values, _data, errors = _read_post(request, store)
    submitted = request.POST.get("_submitted") == "1"
    return render(
        request,
        "stores/_validation.html",
        {
            "f": _field_states(values, errors, submitted=submitted),
            "summary": _summary(errors) if submitted else [],
            "submitted": submitted,
        },
    )


@screen
@require_POST
def store_company_change(request: HttpRequest) -> HttpResponse:
    """A new document's company changed: price types, departments and defaults of the new
    company (the current user as creator again), and a fresh check of every field."""
    user = request.user
    _require(user, "create")
    form = StoreForm(request.POST)
    form.is_valid()
    values = _values_from_post(request.POST, form)
    companies = list(list_companies(user=user, document=DOCUMENT, action="create"))
    company = next((c for c in companies if _s(c.pk) == values["company_id"]), None)
    values.update(_company_defaults(user=user, company=company))
    values["if_customer_not_found"] = (
        values["if_customer_not_found"] or Store.IfCustomerNotFound.CREATE_NEW
    )
    errors = _check_values(user, values, store=None)
    context = _document_context(
        request,
        store=None,
        values=values,
        errors=errors,
        submitted=request.POST.get("_submitted") == "1",
    )
    context["oob"] = True
    context["f_outside"] = {name: context["f"][name] for name in OUTSIDE_COMPANY_PART}
    return render(request, "stores/_company_part.html", context)


# -- type-ahead pickers ---------------------------------------------------------------------------


def _picking_company(request: HttpRequest) -> Company | None:
    """The company a picker searches in: one of the account's companies where the user may
    create or edit connections (a picker only serves the document form); None otherwise."""
    company_id = parse_id(request.GET.get("company_id", ""))
    if company_id is None:
        return None
    user = request.user
    if not any(has_permission(user, "stores", action, company_id) for action in ("create", "edit")):
        return None
    return list_companies(user=user).filter(pk=company_id).first()


@screen
@require_GET
def pick_users(request: HttpRequest) -> HttpResponse:
    """Users who may create the store's orders in the company, by part of their name."""
    _require(request.user, "view")
    text = _clean_text(request.GET.get("order_creator_q", ""))
    company = _picking_company(request)
    found: list[dict[str, object]] = []
    if company is not None and len(text) >= PICK_MIN_LENGTH:
        users = (
            list_account_users(user=request.user)
            .filter(is_active=True)
            .filter(Q(membership__company=company) | Q(membership__company__isnull=True))
            .filter(
                Q(username__icontains=text)
                | Q(first_name__icontains=text)
                | Q(last_name__icontains=text)
            )
        )
        found = [{"id": u.pk, "label": _person(u)} for u in users[:PICK_LIMIT]]
    return render(
        request,
        "stores/_picks.html",
        {"found": found, "target": "order-creator", "text": text},
    )


@screen
@require_GET
def pick_customers(request: HttpRequest) -> HttpResponse:
    """Customers of the company, by part of their name, e-mail or phone."""
    _require(request.user, "view")
    text = _clean_text(request.GET.get("default_customer_q", ""))
    company = _picking_company(request)
    found: list[dict[str, object]] = []
    if company is not None and len(text) >= PICK_MIN_LENGTH:
        customers = Customer.objects.filter(company=company).order_by("name", "id")
        customers = customers.filter(
            Q(name__icontains=text) | Q(email__icontains=text) | Q(phone__icontains=text)
        )
        found = [{"id": c.pk, "label": c.name} for c in customers[:PICK_LIMIT]]
    return render(
        request,
        "stores/_picks.html",
        {"found": found, "target": "default-customer", "text": text},
    )


# -- the secret key ---------------------------------------------------------------------------


def _key_context(store: Store, user: User, *, key: str = "", error: str = "") -> dict:
    return {
        "store": store,
        "key": key,
        "key_error": error,
        "may_edit": has_permission(user, DOCUMENT, "edit", store.company_id),
    }


@screen
@require_GET
def key_masked(request: HttpRequest, store_id: int) -> HttpResponse:
    store = selectors.get_store(user=request.user, store_id=store_id)
    return render(request, "stores/_key.html", _key_context(store, request.user))


@screen
@never_cache
@require_POST
def key_show(request: HttpRequest, store_id: int) -> HttpResponse:
    """The key in clear, for users who may edit the store (viewers get 403)."""
    store = selectors.get_store(user=request.user, store_id=store_id)
    try:
        key = services.reveal_key(user=request.user, store_id=store.pk)
    except StoreKeyUnavailable as error:
        context = _key_context(store, request.user, error=str(error))
    else:
        context = _key_context(store, request.user, key=key)
    if request.htmx:
        return render(request, "stores/_key.html", context)
    return render(request, "stores/key_page.html", context)


@screen
@never_cache
@require_POST
def key_copy(request: HttpRequest, store_id: int) -> HttpResponse:
    """The key as plain text for the clipboard (POST, never cached, never in a URL)."""
    try:
        key = services.reveal_key(user=request.user, store_id=store_id)
    except StoreKeyUnavailable as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return HttpResponse(key, content_type="text/plain; charset=utf-8")


@screen
@never_cache
@require_http_methods(["GET", "POST"])
def key_generate(request: HttpRequest, store_id: int) -> HttpResponse:
    """GET: the question (without JavaScript); POST: a new key, shown once in clear."""
    user = request.user
    store = selectors.get_store(user=user, store_id=store_id)
    _require(user, "edit", store.company_id)
    if request.method == "GET":
        return render(request, "stores/key_generate.html", {"store": store})
    key = services.regenerate_key(user=user, store_id=store.pk)
    context = _key_context(store, user, key=key)
    context["generated"] = True
    if request.htmx:
        response = render(request, "stores/_key.html", context)
        return _toast(response, "New key generated: put it into the plugin now.")
    return render(request, "stores/key_page.html", context)


# -- what a store carries ---------------------------------------------------------------------

LINK_KINDS = ("categories", "attributes")


def _category_paths(categories: list[Category]) -> dict[int, str]:
    """ "Parent › Child" for each category (the tree shown as a flat list)."""
    by_id = {category.pk: category for category in categories}
    paths: dict[int, str] = {}
    for category in categories:
        names, seen, node = [], set(), category
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = by_id.get(node.parent_id)
        paths[category.pk] = " › ".join(reversed(names))
    return paths


def _catalog_rows(store: Store) -> tuple[list[dict], list[dict]]:
    categories = list(selectors.list_store_categories(store=store))
    paths = _category_paths(categories)
    category_rows = sorted(
        ({"item": c, "label": paths[c.pk], "kind": "categories"} for c in categories),
        key=lambda row: row["label"].lower(),
    )
    attribute_rows = [
        {"item": a, "label": a.name, "kind": "attributes"}
        for a in selectors.list_store_attributes(store=store)
    ]
    return category_rows, attribute_rows


@screen
@require_GET
def store_catalog(request: HttpRequest, store_id: int) -> HttpResponse:
    """The categories and attributes of the store's company, each linked to this store or not,
    with link / unlink one by one; and what the store carries because of them."""
    user = request.user
    store = selectors.get_store(user=user, store_id=store_id)
    category_rows, attribute_rows = _catalog_rows(store)
    return render(
        request,
        "stores/catalog.html",
        {
            "store": store,
            "may_edit": has_permission(user, DOCUMENT, "edit", store.company_id),
            "category_rows": category_rows,
            "attribute_rows": attribute_rows,
            "carried": _carried_counts(store),
        },
    )


def _carried_counts(store: Store) -> dict[str, int]:
    return {
        "categories": selectors.carried_categories(store=store).count(),
        "products": selectors.carried_products(store=store).count(),
        "attributes": selectors.carried_attributes(store=store).count(),
        "terms": selectors.carried_terms(store=store).count(),
    }


@screen
@require_POST
def store_catalog_link(request: HttpRequest, store_id: int, kind: str) -> HttpResponse:
    """Link or unlink one category or attribute (htmx: the row again; else back to the page)."""
    user = request.user
    if kind not in LINK_KINDS:
        raise NotFound(model="Page")
    store = selectors.get_store(user=user, store_id=store_id)
    _require(user, "edit", store.company_id)
    item_id = parse_id(request.POST.get("item_id", ""))
    if item_id is None:
        raise NotFound(model="Item")
    mode = "remove" if request.POST.get("action") == "unlink" else "add"
    if kind == "categories":
        services.link_categories(user=user, store_ids=[store.pk], category_ids=[item_id], mode=mode)
    else:
        services.link_attributes(
            user=user, store_ids=[store.pk], attribute_ids=[item_id], mode=mode
        )
    done = "Linked." if mode == "add" else "Unlinked."
    if not request.htmx:
        messages.success(request, done)
        return redirect("stores:catalog", store_id=store.pk)
    category_rows, attribute_rows = _catalog_rows(store)
    rows = category_rows if kind == "categories" else attribute_rows
    row = next(row for row in rows if row["item"].pk == item_id)
    response = render(
        request,
        "stores/_catalog_row.html",
        {"row": row, "store": store, "may_edit": True, "carried_now": _carried_counts(store)},
    )
    return _toast(response, done)


@screen
@require_http_methods(["GET", "POST"])
def bulk_links(request: HttpRequest) -> HttpResponse:
    """Link many categories and attributes to many connections of one company at once, with
    an explicit choice: add to what they have, replace it, or remove; real counts after."""
    user = request.user
    _require(user, "edit")
    companies = list(list_companies(user=user, document=DOCUMENT, action="edit"))
    params = request.POST if request.method == "POST" else request.GET
    by_id = {company.pk: company for company in companies}
    company = by_id.get(parse_id(params.get("company", ""))) or _default_company(request, companies)
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = _apply_links(user, form)
        except StoreInvalid as error:
            for field, problems in error.errors.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, " ".join(report))
            back = reverse("stores:bulk_links")
            return redirect(f"{back}?company={company.pk}" if company else back)
    stores, categories, attributes = [], [], []
    if company is not None:
        stores = list(
            scope_for_user(
                user=user,
                queryset=Store.objects.filter(company=company, is_deleted=False),
                document=DOCUMENT,
                action="edit",
            ).order_by("name", "id")
        )
        categories = list(Category.objects.filter(company=company))
        attributes = list(Attribute.objects.filter(company=company).order_by("name", "id"))
    paths = _category_paths(categories)
    chosen = {
        name: set(params.getlist(name)) for name in ("store_ids", "category_ids", "attribute_ids")
    }
    return render(
        request,
        "stores/bulk_links.html",
        {
            "companies": companies,
            "company": company,
            "stores": stores,
            "categories": sorted(
                ((c, paths[c.pk]) for c in categories), key=lambda pair: pair[1].lower()
            ),
            "attributes": attributes,
            "form": form,
            "chosen": chosen,
            "modes": LinkForm.MODES,
        },
    )


def _apply_links(user: User, form: LinkForm) -> list[str]:
    """Both kinds in one transaction, each only when something of it was chosen; the report
    counts what really changed."""
    data = form.cleaned_data
    report = []
    with transaction.atomic():
        for kind, ids, link in (
            ("Categories", data["category_ids"], services.link_categories),
            ("Attributes", data["attribute_ids"], services.link_attributes),
        ):
            if not ids:
                continue
            item_key = "category_ids" if kind == "Categories" else "attribute_ids"
            summary = link(
                user=user, store_ids=data["store_ids"], mode=data["mode"], **{item_key: ids}
            )
            report.append(
                f"{kind}: {summary.linked} link(s) added, {summary.unlinked} removed "
                f"in {summary.stores} connection(s)."
            )
    return report


# -- translations in a store's language --------------------------------------------------------

TRANSLATION_KINDS = {
    "categories": ("category", "Categories", selectors.carried_categories),
    "attributes": ("attribute", "Attributes", selectors.carried_attributes),
    "terms": ("term", "Terms", selectors.carried_terms),
    "products": ("product", "Products", selectors.carried_products),
}
TRANSLATIONS_PER_PAGE = 20
TRANSLATION_MAX_LENGTH = 100_000


def _same_language(store: Store) -> bool:
    return store.language.upper() == store.company.language.upper()


@screen
@require_GET
def translations(request: HttpRequest, store_id: int) -> HttpResponse:
    """Per kind, how many carried items lack a name in the store's language, and which."""
    store = selectors.get_store(user=request.user, store_id=store_id)
    missing = selectors.list_missing_translations(store=store)
    kinds = [
        {
            "slug": slug,
            "title": title,
            "total": carried(store=store).count(),
            "missing": missing.get(kind, []),
        }
        for slug, (kind, title, carried) in TRANSLATION_KINDS.items()
    ]
    return render(
        request,
        "stores/translations.html",
        {"store": store, "kinds": kinds, "same_language": _same_language(store)},
    )


def _text_fields(item) -> list[str]:
    """The fields shown for translating `item`: for products, the description kind (plain or
    HTML) the product sends to stores."""
    if isinstance(item, Product):
        description = "description_html" if item.description_format == "html" else "description"
        short = (
            "short_description_html"
            if item.short_description_format == "html"
            else "short_description"
        )
        return ["name", "slug", short, description]
    return translation_fields(item)[2]


FIELD_TITLES = {
    "name": "Name",
    "slug": "Slug",
    "description": "Description",
    "description_html": "Description (HTML)",
    "short_description": "Short description",
    "short_description_html": "Short description (HTML)",
}


@screen
@require_http_methods(["GET", "POST"])
def translations_edit(request: HttpRequest, store_id: int, kind: str) -> HttpResponse:
    """Translations of one kind of carried items into the store's language: each field beside
    its base text; saving writes only what changed (catalog.services.save_translation)."""
    user = request.user
    if kind not in TRANSLATION_KINDS:
        raise NotFound(model="Page")
    store = selectors.get_store(user=user, store_id=store_id)
    item_kind, title, carried = TRANSLATION_KINDS[kind]
    language = store.language.upper()
    params = request.POST if request.method == "POST" else request.GET
    only_missing = params.get("missing") == "1"
    items = carried(store=store)
    if item_kind == "term":
        items = items.select_related("attribute").order_by(
            "attribute__name", "menu_order", "name", "pk"
        )
    if only_missing:
        missing_ids = [i.pk for i in selectors.list_missing_translations(store=store)[item_kind]]
        items = items.filter(pk__in=missing_ids)
    total = items.count()
    pages = max(1, -(-total // TRANSLATIONS_PER_PAGE))
    page = min(parse_id(params.get("page", "")) or 1, pages)
    start = (page - 1) * TRANSLATIONS_PER_PAGE
    page_items = list(items.prefetch_related("translations")[start : start + TRANSLATIONS_PER_PAGE])
    may_edit = has_permission(user, "catalog", "edit", store.company_id)
    item_errors: dict[int, list[str]] = {}
    if request.method == "POST":
        if not may_edit:
            return denied(
                request,
                reason="Your roles do not let you change the catalog of this company.",
                back_url=reverse("stores:translations", args=[store.pk]),
            )
        if _same_language(store):
            raise NotFound(model="Page")
        saved, item_errors = _save_translations(request.POST, page_items, language)
        if not item_errors:
            messages.success(request, f"Translations saved: {saved}.")
            query = QueryDict(mutable=True)
            query["page"] = str(page)
            if only_missing:
                query["missing"] = "1"
            return redirect(
                f"{reverse('stores:translations_edit', args=[store.pk, kind])}?{query.urlencode()}"
            )
    rows = [
        _translation_row(item, language, request.POST if item_errors else None, item_errors)
        for item in page_items
    ]
    return render(
        request,
        "stores/translations_edit.html",
        {
            "store": store,
            "kind": kind,
            "title": title,
            "rows": rows,
            "page": page,
            "pages": pages,
            "total": total,
            "only_missing": only_missing,
            "may_edit": may_edit and not _same_language(store),
            "same_language": _same_language(store),
            "language": language,
            "base_language": store.company.language.upper(),
        },
    )


def _existing_translation(item, language: str):
    return next((row for row in item.translations.all() if row.language == language), None)


def _translation_row(item, language: str, posted: QueryDict | None, errors: dict) -> dict:
    existing = _existing_translation(item, language)
    fields = []
    for name in _text_fields(item):
        value = getattr(existing, name, "") if existing else ""
        if posted is not None:
            value = posted.get(f"t-{item.pk}-{name}", value)
        fields.append(
            {
                "name": name,
                "title": FIELD_TITLES.get(name, name),
                "base": getattr(item, name),
                "value": value,
                "input": f"t-{item.pk}-{name}",
                "long": "description" in name,
            }
        )
    label = item.name
    if isinstance(item, Term):
        label = f"{item.attribute.name}: {item.name}"
    return {"item": item, "label": label, "fields": fields, "errors": errors.get(item.pk, [])}


def _save_translations(post: QueryDict, items: list, language: str) -> tuple[int, dict]:
    """Save each item whose texts differ from its translation (an item never translated and
    left empty is skipped). Returns how many were saved and the messages of those refused."""
    saved = 0
    problems: dict[int, list[str]] = {}
    for item in items:
        existing = _existing_translation(item, language)
        texts = {
            name: post.get(f"t-{item.pk}-{name}", "")[:TRANSLATION_MAX_LENGTH].strip()
            for name in _text_fields(item)
        }
        current = {name: getattr(existing, name, "") if existing else "" for name in texts}
        if texts == current or (existing is None and not any(texts.values())):
            continue
        try:
            with transaction.atomic():
                save_translation(item=item, language=language, **texts)
        except ValidationError as error:
            problems[item.pk] = error.messages
        except InvalidTranslation as error:
            problems[item.pk] = [str(error)]
        else:
            saved += 1
    return saved, problems
