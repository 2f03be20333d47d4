"""The DokioStore plugin's endpoints under /api/public/woo_v3 (protocol notes, sections 3 and 5):
the catalog feed and the orders (the watermark and the batches of WooCommerce orders).

Each view is a thin adapter: the shared `_serve` authenticates the call (stores.access), reads
the request through wire.py, calls one function of stores.feed, stores.sync or
stores.order_intake, answers in the exact form the plugin reads (JSON objects, a bare `1`, a
JSON array, raw text), and journals the call (stores.journal). No business rule lives here.

How failures look to the plugin, which reads only HTTP 200 bodies and logs everything else
with the body:
- a wrong key (or a deleted store's key): HTTP 200 and -200 in the reply's own shape;
- a caller address the store does not allow: 403, a sentence naming the caller's address;
- a catalog or orders call while sync is switched off (for the installation or the connection)
  or the account has more connections than it may: 403, the reason isLetSync would give;
- too many failed attempts from the address this minute: 429 with Retry-After;
- a bad parameter or body: 400 (413 when larger than the endpoint takes), a sentence; nothing
  is written;
- orders the store cannot send yet (putOrdersIntoCRM): HTTP 200 and -220 or -222;
- an error of ours: 500, a sentence; the details go to the server log and the store's journal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, StrictInt, TypeAdapter

from backroom.storeapi.woo_v3 import wire
from backroom.stores import access, feed, journal, order_intake
from backroom.stores.access import Outcome
from backroom.stores.addresses import caller_address
from backroom.stores.models import Store, SyncState
from backroom.stores.sync import confirm_reported_ids, forget_deleted_woo_ids

logger = logging.getLogger(__name__)

Kind = SyncState.Kind
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
OK = "1"
WRONG_KEY = "-200"

BODY_TOO_LARGE = "The request body is larger than {limit} bytes."
LOCKED_OUT = "Too many failed attempts from this address: try again in {seconds} seconds."
SERVER_ERROR = "Backroom could not answer this call because of an error on the server."
JOURNAL_SERVER_ERROR = "Backroom failed to answer (an error on the server: see its log)."
SYNC_REFUSED = "Synchronization refused: {reason}"
IDS_IGNORED = "{ignored} of {reported} reported ids named nothing of this company and were ignored."
ORDERS_REFUSED = {
    order_intake.DEPARTMENT_NOT_SET: (
        "Orders refused (-220): the connection has no department for orders. Choose one on "
        "the connection page; the store sends the orders again."
    ),
    order_intake.DEFAULT_CUSTOMER_NOT_SET: (
        "Orders refused (-222): the connection uses a default customer for unknown buyers but "
        "names none. Choose one on the connection page; the store sends the orders again."
    ),
}
WRONG_METHOD = "Use {method} for this address."
BROKEN_ORDERS_BODY = (
    "The store's orders could not be read: the plugin sent a body that is not JSON. It does so "
    "when an order holds text that is not valid UTF-8 (PHP's json_encode fails); then no order "
    "reaches Backroom while that order is among the newest. Find the order with broken "
    "characters in WooCommerce (often text pasted from another program) and correct it."
)

_WOO_IDS = TypeAdapter(list[StrictInt])


@dataclass(frozen=True)
class Answer:
    """What an endpoint made of a call: the response, how many items went either way, and a
    sentence for the store's journal when something is wrong that the plugin cannot see."""

    response: HttpResponse
    items: int = 0
    problem: str = ""


@dataclass(frozen=True)
class Call:
    """An authenticated call: the store, the query parameters and (for POSTs) the JSON body."""

    store: Store
    request: HttpRequest
    body: dict[str, object]


Handler = Callable[[Call], Answer]


def endpoint(
    method: str,
    *,
    wrong_key: Callable[[], HttpResponse],
    gated: bool = True,
    max_body: int = wire.MAX_BODY_BYTES,
):
    """Make `handler` a view: method check, lock-out, body (at most `max_body` bytes), key and
    address, for `gated` calls (catalog and orders) the sync rules
    (stores.access.catalog_refusal), and the journal."""

    def decorate(handler: Handler):
        name = handler.__name__

        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest) -> HttpResponse:
            return _serve(
                request,
                name=name,
                method=method,
                wrong_key=wrong_key,
                gated=gated,
                max_body=max_body,
                handler=handler,
            )

        return view

    return decorate


def _serve(
    request: HttpRequest,
    *,
    name: str,
    method: str,
    wrong_key: Callable[[], HttpResponse],
    gated: bool,
    max_body: int,
    handler: Handler,
) -> HttpResponse:
    if request.method != method:
        response = _text(WRONG_METHOD.format(method=method), status=405)
        response["Allow"] = method
        return response
    address = caller_address(request)
    if locked := access.check_lockout(address=address):
        return _locked_out(locked.retry_after)
    body: dict[str, object] = {}
    if method == "POST":
        try:
            raw = _read_body(request, limit=max_body)
        except _TooLarge:
            return _text(BODY_TOO_LARGE.format(limit=max_body), status=413)
        try:
            body = wire.parse_body(raw)
        except wire.WireError as error:
            _journal_unreadable_body(raw, address=address, name=name, error=error)
            return _text(str(error), status=400)
        key = body.get("crmSecretKey")
    else:
        key = request.GET.get("key")
    result = access.authenticate_call(key=key, address=address)
    if result.outcome is Outcome.WRONG_KEY:
        return wrong_key()
    store = result.store
    if result.outcome is Outcome.WRONG_ADDRESS:
        journal.record_call(store=store, endpoint=name, error=result.message)
        return _text(result.message, status=403)
    if gated and (reason := access.catalog_refusal(store=store)):
        journal.record_call(store=store, endpoint=name, error=SYNC_REFUSED.format(reason=reason))
        return _text(reason, status=403)
    try:
        answer = handler(Call(store=store, request=request, body=body))
    except wire.WireError as error:
        journal.record_call(store=store, endpoint=name, error=str(error))
        return _text(str(error), status=400)
    except Exception:
        logger.exception("store API call %s of store %s failed", name, store.pk)
        _journal_server_error(store=store, name=name)
        return _text(SERVER_ERROR, status=500)
    journal.record_call(store=store, endpoint=name, items=answer.items, error=answer.problem)
    return answer.response


class _TooLarge(Exception):
    pass


def _read_body(request: HttpRequest, *, limit: int) -> bytes:
    """The body, at most `limit` bytes: refused by its declared length before reading, and by
    what arrives when the length was not declared truly. Read from the stream, not
    request.body, so Django's form-data limit does not apply to these JSON bodies."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise _TooLarge
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise _TooLarge
    return raw


def _journal_unreadable_body(raw: bytes, *, address: str, name: str, error: wire.WireError) -> None:
    """Tell the store's journal that a body could not be read, when its key (which the plugin
    writes first) can still be made out and is right: else the shop owner would never learn
    why the store's orders stop arriving (the plugin only logs the reply)."""
    key = wire.salvage_key(raw)
    if key is None:
        return
    result = access.authenticate_call(key=key, address=address)
    if result.outcome is Outcome.ALLOWED:
        message = BROKEN_ORDERS_BODY if name == "putOrdersIntoCRM" else str(error)
        journal.record_call(store=result.store, endpoint=name, error=message)


def _journal_server_error(*, store: Store, name: str) -> None:
    """Journal our own failure, unless the database is what failed."""
    try:
        journal.record_call(store=store, endpoint=name, error=JOURNAL_SERVER_ERROR)
    except Exception:
        logger.exception("could not journal the failed call %s of store %s", name, store.pk)


# -- replies -------------------------------------------------------------------------------------


def _json(reply: BaseModel) -> HttpResponse:
    return HttpResponse(reply.model_dump_json(), content_type=JSON)


def _text(text: str, *, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type=TEXT, status=status)


def _locked_out(seconds: int) -> HttpResponse:
    response = _text(LOCKED_OUT.format(seconds=seconds), status=429)
    response["Retry-After"] = str(seconds)
    return response


def _wrong_key_json() -> HttpResponse:
    return _json(wire.WrongKeyReply())


def _wrong_key_text() -> HttpResponse:
    return _text(WRONG_KEY)


def _wrong_key_number() -> HttpResponse:
    return HttpResponse(WRONG_KEY, content_type=JSON)


def _wrong_key_gate() -> HttpResponse:
    return _json(wire.SyncGateReply(is_sync_allowed=False, reason=access.WRONG_KEY))


def _wrong_key_list() -> HttpResponse:
    """The deletion list has no room for a code: an empty list deletes nothing."""
    return HttpResponse(b"[]", content_type=JSON)


# -- connection --------------------------------------------------------------------------------


@endpoint("GET", wrong_key=_wrong_key_number, gated=False)
def DokioCrmConnectionTest(call: Call) -> Answer:  # noqa: N802 (the protocol's path)
    """The admin's "Test connection to CRM" button: `1` (a JSON number) when key and address
    are right."""
    return Answer(HttpResponse(OK, content_type=JSON))


@endpoint("GET", wrong_key=_wrong_key_gate, gated=False)
def isLetSync(call: Call) -> Answer:  # noqa: N802
    """The gate before every step: `{"is_sync_allowed": bool, "reason": str}`."""
    reason = access.sync_refusal(
        store=call.store, plugin_version=call.request.GET.get("plugin_version")
    )
    reply = wire.SyncGateReply(is_sync_allowed=not reason, reason=reason or access.SYNC_ALLOWED)
    return Answer(_json(reply), problem=SYNC_REFUSED.format(reason=reason) if reason else "")


# -- categories, attributes, terms ---------------------------------------------------------------


@endpoint("GET", wrong_key=_wrong_key_json)
def syncProductCategoriesToStore(call: Call) -> Answer:  # noqa: N802
    served = feed.categories_to_sync(store=call.store)
    reply = wire.CategoriesReply(
        productCategories=[wire.CategoryWire.model_validate(item) for item in served.items],
        allProductCategoriesWooIds=served.all_woo_ids,
    )
    return Answer(_json(reply), items=len(served.items))


@endpoint("POST", wrong_key=_wrong_key_text)
def syncProductCategoriesIds(call: Call) -> Answer:  # noqa: N802
    return _confirm(call, Kind.CATEGORY)


@endpoint("GET", wrong_key=_wrong_key_json)
def syncProductAttributesToStore(call: Call) -> Answer:  # noqa: N802
    served = feed.attributes_to_sync(store=call.store)
    reply = wire.AttributesReply(
        productAttributes=[wire.AttributeWire.model_validate(item) for item in served.items],
        allProductAttributesWooIds=served.all_woo_ids,
    )
    return Answer(_json(reply), items=len(served.items))


@endpoint("POST", wrong_key=_wrong_key_text)
def syncProductAttributesIds(call: Call) -> Answer:  # noqa: N802
    return _confirm(call, Kind.ATTRIBUTE)


@endpoint("GET", wrong_key=_wrong_key_json)
def syncAttributeTermsToStore(call: Call) -> Answer:  # noqa: N802
    served = feed.terms_to_sync(store=call.store)
    reply = wire.TermsReply(
        attributeTerms=[wire.TermWire.model_validate(item) for item in served.items],
        allTermsWooIds=served.all_woo_ids,
    )
    return Answer(_json(reply), items=len(served.items))


@endpoint("POST", wrong_key=_wrong_key_text)
def syncAttributeTermsIds(call: Call) -> Answer:  # noqa: N802
    return _confirm(call, Kind.TERM)


# -- products ----------------------------------------------------------------------------------


@endpoint("GET", wrong_key=_wrong_key_json)
def countProductsToStoreSync(call: Call) -> Answer:  # noqa: N802
    count = feed.count_products_to_sync(store=call.store)
    return Answer(_json(wire.CountReply(productCount=count)))


@endpoint("GET", wrong_key=_wrong_key_json)
def syncProductsToStore(call: Call) -> Answer:  # noqa: N802
    page = wire.read_page(dict(call.request.GET.lists()))
    products = feed.products_page(
        store=call.store, first_result=page.first_result, max_results=page.max_results
    )
    reply = wire.ProductsReply(
        products=[wire.ProductWire.model_validate(item) for item in products]
    )
    return Answer(_json(reply), items=len(products))


@endpoint("POST", wrong_key=_wrong_key_text)
def syncProductsIds(call: Call) -> Answer:  # noqa: N802
    return _confirm(call, Kind.PRODUCT)


@endpoint("GET", wrong_key=_wrong_key_list)
def getProductWooIdsToDeleteInStore(call: Call) -> Answer:  # noqa: N802
    """A bare JSON array of the store's product ids to delete (`[]` when none)."""
    woo_ids = _WOO_IDS.validate_python(feed.product_woo_ids_to_delete(store=call.store))
    return Answer(HttpResponse(_WOO_IDS.dump_json(woo_ids), content_type=JSON), items=len(woo_ids))


@endpoint("POST", wrong_key=_wrong_key_text)
def deleteWooIdsFromProducts(call: Call) -> Answer:  # noqa: N802
    """The store deleted these products (the list it was sent, echoed): forget their ids."""
    report = wire.read_report(call.body, wire.WooIdsReport)
    forget_deleted_woo_ids(store=call.store, woo_ids=report.idsSet)
    return Answer(_text(OK), items=len(report.idsSet))


# -- variations --------------------------------------------------------------------------------


@endpoint("GET", wrong_key=_wrong_key_json)
def countVariationsToStoreSync(call: Call) -> Answer:  # noqa: N802
    count = feed.count_variations_to_sync(store=call.store)
    return Answer(_json(wire.CountReply(productCount=count)))


@endpoint("GET", wrong_key=_wrong_key_json)
def syncVariationsToStore(call: Call) -> Answer:  # noqa: N802
    page = wire.read_page(dict(call.request.GET.lists()))
    variations = feed.variations_page(
        store=call.store, first_result=page.first_result, max_results=page.max_results
    )
    reply = wire.VariationsReply(
        variations=[wire.VariationWire.model_validate(item) for item in variations]
    )
    return Answer(_json(reply), items=len(variations))


@endpoint("POST", wrong_key=_wrong_key_text)
def syncVariationsIds(call: Call) -> Answer:  # noqa: N802
    """Posted at the end of every catalog cycle, with an empty list when nothing was written."""
    return _confirm(call, Kind.VARIATION)


def _confirm(call: Call, kind: str) -> Answer:
    """An id report: the pairs stored and their served version confirmed (stores.sync)."""
    pairs = wire.read_report(call.body, wire.PairsReport).pairs()
    stored = confirm_reported_ids(store=call.store, kind=kind, pairs=pairs)
    reported = len({crm_id for _, crm_id in pairs})
    ignored = reported - stored
    problem = IDS_IGNORED.format(ignored=ignored, reported=reported) if ignored > 0 else ""
    return Answer(_text(OK), items=len(pairs), problem=problem)


# -- orders (protocol notes 3.17, 3.18 and 5) ------------------------------------------------------


@endpoint("GET", wrong_key=_wrong_key_text)
def getLastSynchronizedOrderTime(call: Call) -> Answer:  # noqa: N802
    """The watermark, raw text (no quotes): the plugin pastes it into WooCommerce's `after=`
    and posts the orders created after it."""
    watermark = wire.watermark_text(order_intake.last_order_time(store=call.store))
    return Answer(_text(watermark))


@endpoint("POST", wrong_key=_wrong_key_text, max_body=wire.MAX_ORDERS_BODY_BYTES)
def putOrdersIntoCRM(call: Call) -> Answer:  # noqa: N802
    """A batch of WooCommerce orders (posted every orders cycle, even empty): `1` once every
    order is imported or held (stores.order_intake), or -220 / -222 and nothing imported when
    the connection cannot take orders. Held orders are not errors of the call: the connection
    page's Orders panel lists them with their reasons. The journal gets the batch's warnings."""
    payloads = wire.read_orders(call.body)
    if (code := order_intake.orders_refusal(store=call.store)) is not None:
        return Answer(_text(str(code)), items=len(payloads), problem=ORDERS_REFUSED[code])
    report = order_intake.import_store_orders(store=call.store, payloads=payloads)
    return Answer(_text(OK), items=len(payloads), problem=" ".join(report.problems))
