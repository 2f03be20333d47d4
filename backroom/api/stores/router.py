"""/api/v1/stores: each endpoint parses its input, calls one stores service or selector, and
formats the result. No rules here: the services check permissions and data, the error
handlers (api.errors) turn their exceptions into responses."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from backroom.api.errors import ErrorOut
from backroom.api.stores.schemas import (
    KeyOut,
    StoreCreateIn,
    StoreListQuery,
    StoreOut,
    StorePageOut,
    StorePatchIn,
    StoreReplaceIn,
)
from backroom.stores import selectors, services
from backroom.stores.models import Store
from backroom.stores.services import StoreInput

router = Router(tags=["Online-store connections"])


def _errors(*codes: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys((401, 403, 404, *codes), ErrorOut)


_READ = _errors(422)
_WRITE = _errors(400, 409, 413, 422)


@router.get("", response={200: StorePageOut, **_READ}, summary="List connections")
def list_stores(request: HttpRequest, query: Query[StoreListQuery]):
    page = selectors.list_stores(user=request.auth, **query.dict())
    prefetch_related_objects(page.items, "departments")
    return {
        "items": page.items,
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "page_size": query.page_size,
    }


@router.post("", response={201: StoreOut, **_WRITE}, summary="Create a connection")
def create_store(request: HttpRequest, payload: StoreCreateIn):
    """The key is made on the server but not returned here: fetch it with GET /stores/{id}/key
    (users allowed to edit the connection)."""
    data = payload.dict()
    if data["order_creator_id"] is None:
        data["order_creator_id"] = request.auth.pk
    store, _key = services.create_store(user=request.auth, data=StoreInput(**data))
    return Status(201, store)


@router.get("/{store_id}", response={200: StoreOut, **_READ}, summary="Get a connection")
def get_store(request: HttpRequest, store_id: int):
    return selectors.get_store(user=request.auth, store_id=store_id)


@router.put("/{store_id}", response={200: StoreOut, **_WRITE}, summary="Replace a connection")
def replace_store(request: HttpRequest, store_id: int, payload: StoreReplaceIn):
    update = services.update_store(
        user=request.auth, store_id=store_id, data=StoreInput(**payload.dict())
    )
    return update.store


@router.patch("/{store_id}", response={200: StoreOut, **_WRITE}, summary="Change some fields")
def patch_store(request: HttpRequest, store_id: int, payload: StorePatchIn):
    store = selectors.get_store(user=request.auth, store_id=store_id)
    data = replace(_current_input(store), **payload.dict(exclude_unset=True))
    update = services.update_store(user=request.auth, store_id=store_id, data=data)
    return update.store


@router.delete("/{store_id}", response={204: None, **_READ}, summary="Delete a connection")
def delete_store(request: HttpRequest, store_id: int):
    """Soft delete: the key stops working; POST .../restore brings it back. Deleting a
    deleted connection changes nothing."""
    services.delete_stores(user=request.auth, store_ids=[store_id])
    return Status(204, None)


@router.post("/{store_id}/restore", response={204: None, **_errors(409, 422)}, summary="Restore")
def restore_store(request: HttpRequest, store_id: int):
    """Within the account's limit of connections (409 when it is reached)."""
    services.restore_stores(user=request.auth, store_ids=[store_id])
    return Status(204, None)


@router.get("/{store_id}/key", response={200: KeyOut, **_errors(409, 422)}, summary="Show key")
def reveal_key(request: HttpRequest, response: HttpResponse, store_id: int):
    """For users allowed to edit the connection (403 for others)."""
    response["Cache-Control"] = "no-store"
    return {"key": services.reveal_key(user=request.auth, store_id=store_id)}


@router.post("/{store_id}/key", response={200: KeyOut, **_READ}, summary="Generate a new key")
def regenerate_key(request: HttpRequest, response: HttpResponse, store_id: int):
    """The old key stops working at once; the new one is returned (and shown again by GET)."""
    response["Cache-Control"] = "no-store"
    return {"key": services.regenerate_key(user=request.auth, store_id=store_id)}


def _current_input(store: Store) -> StoreInput:
    """The stored document as StoreInput, for PATCH to change some fields of."""
    return StoreInput(
        company_id=None,
        name=store.name,
        language=store.language,
        allowed_addresses=list(store.allowed_addresses or []),
        is_let_sync=store.is_let_sync,
        regular_price_type_id=store.regular_price_type_id,
        sale_price_type_id=store.sale_price_type_id,
        orders_department_id=store.orders_department_id,
        order_creator_id=store.order_creator_id,
        if_customer_not_found=store.if_customer_not_found,
        default_customer_id=store.default_customer_id,
        days_to_shipment=store.days_to_shipment,
        auto_reserve=store.auto_reserve,
        department_ids=sorted(store.departments.values_list("pk", flat=True)),
    )
