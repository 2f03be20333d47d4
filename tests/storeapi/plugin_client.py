"""The DokioStore 1.3.0-1 plugin's catalog cycle, played in Python against a running Backroom,
writing into a FakeWoo (tests/storeapi/fake_woo.py). The end-to-end tests and the benchmark
drive the store API with it exactly as the unmodified plugin would (protocol notes, sections
2-4 and 6: ../shared/spec/store-plugin-protocol.md).

What it copies from the plugin, on purpose:
- the wire: GET `<API address>/<endpoint>?key=<key>&...` with the key and parameters pasted in
  unencoded, no User-Agent, `Accept: */*`, one connection per call; POST bodies built by string
  concatenation around PHP `json_encode` output (`\\/` and `\\uXXXX` escapes, pure ASCII), with
  `Expect: 100-continue` on bodies over 1 KiB as older libcurl sends it;
- how replies are read: PHP's loose comparisons (`queryResultCode == 1`, `is_sync_allowed ==
  true`), raw `1` for the id reports, which steps check the HTTP status and which do not;
- the order and gates: isLetSync, then categories, attributes, terms, products, variations, each
  step but the first asking isLetSync again, each in its own try/catch;
- the WooCommerce side: deletions driven by `all...WooIds`, the parents-first category loop (a
  parent not in the batch makes the category a root), terms read 10 per attribute, products in
  pages of 100 with ONE id report, the rollback of created products, the deletion list and its
  confirmation, variations in pages with an id report always posted, even empty.

Where PHP would hang (a category loop that cannot finish, exactly 100 Woo attributes) this raises
PluginHang instead. Where PHP 8 throws a TypeError (a list that is null), the step fails like the
plugin's. Everything the plugin tolerates but the protocol notes forbid (a non-boolean
`is_sync_allowed`, a JSON-quoted `"1"`, an `image` that is not an object, ...) is noted in
`Cycle.violations`; what the plugin logs as an error is in `Cycle.errors`. A clean cycle has both
empty.

The orders cycle (`c_get_crm_orders`, protocol notes 5.1), `run_orders_cycle()`:
    woo = FakeWoo()
    plugin = DokioStorePlugin(api_address=..., secret_key=key, woo=woo)
    plugin.run_catalog_cycle()                      # the store gets its ids of the products
    woo.add_order(order_json, id=731, date_created_gmt="2023-08-19T16:11:48")
    cycle = plugin.run_orders_cycle()
    assert cycle.clean and cycle.reply == "1" and [o["id"] for o in cycle.orders] == [731]
It asks isLetSync, then getLastSynchronizedOrderTime (the watermark W, raw text), then lists
`GET orders?after=W&dates_are_gmt=1` in the FakeWoo (the 10 newest created strictly after W: an
older eleventh is never sent, as with the real plugin), and posts putOrdersIntoCRM with them,
even none, re-encoded as PHP's json_encode does (`\\/`, `\\uXXXX`, a whole-number float as an
integer). One call a minute is one run: to send more than 10 orders, run it again (the watermark
moves on). ClientTransport runs it in-process through Django's test Client instead of HTTP.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from tests.storeapi.fake_woo import FakeWoo, WooError

PLUGIN_VERSION = "1.3.0-1"
PAGE_SIZE = 100
"""`max_results` of every products and variations page (the plugin never sends another)."""
EXPECT_CONTINUE_OVER = 1024
DEFAULT_TIMEOUT = 120.0
"""Seconds per call. The plugin waits 500 s or forever; tests want a failure instead."""

STEPS = ("categories", "attributes", "terms", "products", "variations")
ORDER_REPLIES = {
    "1": "",
    "-200": "WrongCrmSecretKeyException",
    "-220": "DepartmentIsNotSetException",
    "-222": "DefaultCustomerIsNotSetException",
}
"""putOrdersIntoCRM's bodies the plugin knows, and the exception each one logs ("1": none)."""
WATERMARK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
"""The watermark as the protocol notes ask for it (3.17). WooCommerce also takes fractions, Z or
an offset (the FakeWoo checks that); anything else is a violation here."""


# -- PHP semantics ---------------------------------------------------------------------------------


def php_json_encode(value: object) -> str:
    """PHP's `json_encode($value)` with default flags: compact, `/` escaped as `\\/`, anything
    outside ASCII as `\\uXXXX` (surrogate pairs above U+FFFF). A `/` can only occur inside
    strings in JSON text, so escaping it after encoding is exact."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("/", "\\/")


def php_json_decode(body: bytes) -> Any:
    """`json_decode($body)`: None for anything PHP could not decode (invalid UTF-8, a BOM,
    NaN, trailing garbage, an empty body)."""
    try:
        text = body.decode("utf-8")
        return json.loads(text, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def php_truthy(value: object) -> bool:
    """`$value == true` in PHP 8."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def php_equals_one(value: object) -> bool:
    """`$value == 1` in PHP 8: true for 1, 1.0, true and numeric strings worth 1 ("1", " 1",
    "1.0", "01")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        try:
            return float(value.strip(" \t\n\r\v\f")) == 1 and value.strip() != ""
        except ValueError:
            return False
    return False


def php_id(value: object) -> object:
    """An id as PHP's loose comparison sees it (`"57" == 57`): numeric strings become ints."""
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def php_ids(values: list) -> set:
    """The ids of a list for `in_array` look-ups, compared as PHP compares them (nulls, which
    the all...WooIds lists may hold, match nothing the plugin looks for)."""
    return {php_id(value) for value in values if value is not None}


def php_reencoded(value: object) -> object:
    """A JSON value as PHP's `json_encode(json_decode($text))` gives it back: the same, but a
    whole-number float (`30.00` in WooCommerce's text) comes out as an integer (`30`)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [php_reencoded(item) for item in value]
    if isinstance(value, dict):
        return {name: php_reencoded(item) for name, item in value.items()}
    return value


def php_string(value: object) -> str:
    """How PHP pastes a value into a URL: null is "", ints are digits."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


# -- the wire --------------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One call to Backroom: what went out and what came back."""

    method: str
    endpoint: str
    query: dict[str, str]
    request_body: bytes | None
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return php_json_decode(self.body)


class Transport(Protocol):
    """Sends one request to `<API address>/<target>` and returns (status, headers, body)."""

    def __call__(
        self, method: str, target: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]: ...


class HttpTransport:
    """Real HTTP/1.1 as PHP's cURL does it: a new connection per call, no redirects followed,
    no User-Agent, `Accept: */*`, the target pasted in as it is."""

    def __init__(self, api_address: str, *, timeout: float = DEFAULT_TIMEOUT):
        parts = urllib.parse.urlsplit(api_address)
        if parts.scheme != "http":
            raise ValueError("HttpTransport speaks plain http only")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.base_path = parts.path
        self.timeout = timeout

    def __call__(
        self, method: str, target: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.putrequest(method, f"{self.base_path}/{target}", skip_accept_encoding=True)
            connection.putheader("Accept", "*/*")
            for name, value in headers.items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            # http.client reads past an interim "100 Continue" by itself.
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


class ClientTransport:
    """The wire through Django's test Client, in this process (no server): the calls reach the
    views as the plugin's would, from `address` (REMOTE_ADDR). One per thread."""

    def __init__(self, api_path: str = "/api/public/woo_v3", *, address: str = "203.0.113.5"):
        from django.test import Client

        self.api_path = api_path
        self.client = Client(REMOTE_ADDR=address)

    def __call__(
        self, method: str, target: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        path = f"{self.api_path}/{target}"
        if body is None:
            response = self.client.generic(method, path)
        else:
            content_type = headers.get("Content-Type", "application/octet-stream")
            response = self.client.generic(method, path, data=body, content_type=content_type)
        return response.status_code, dict(response.headers), response.content


# -- what a cycle did ------------------------------------------------------------------------------


@dataclass
class Step:
    """One step of the cycle as the plugin saw it."""

    name: str
    allowed: bool = False
    received: list[dict] = field(default_factory=list)
    """Items the CRM sent (all pages)."""
    all_woo_ids: list | None = None
    count: int | None = None
    pages: list[Any] = field(default_factory=list)
    """Decoded replies of the product or variation pages, in order."""
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    """Woo ids deleted in the shop by this step."""
    skipped: list[Any] = field(default_factory=list)
    """crm_ids of items the plugin skipped (terms of an attribute unknown to the shop)."""
    pairs: list[dict] | None = None
    """The idsSet posted, or None when the plugin posted nothing."""
    ids_reply: str | None = None
    to_delete: list | None = None
    """Products: the deletion list received."""
    delete_reply: str | None = None
    rolled_back: list[int] = field(default_factory=list)
    failed: str | None = None
    """Why the step stopped early (the plugin's catch), or None."""


@dataclass
class Cycle:
    """One `dokiocrm_products_cronjob` run."""

    gate: dict | None = None
    allowed: bool = False
    steps: dict[str, Step] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    def calls(self, endpoint: str) -> list[Exchange]:
        return [exchange for exchange in self.exchanges if exchange.endpoint == endpoint]

    def posted_ids(self) -> dict[str, list]:
        """Every id report posted, by endpoint (deleteWooIdsFromProducts too)."""
        return {
            exchange.endpoint: json.loads(exchange.request_body)["idsSet"]
            for exchange in self.exchanges
            if exchange.method == "POST"
        }


@dataclass
class OrdersCycle(Cycle):
    """One `dokiocrm_orders_cronjob` run (protocol notes 5.1)."""

    watermark: str | None = None
    """getLastSynchronizedOrderTime's body, as the plugin pasted it into `after=` (None: the
    cycle stopped before)."""
    orders: list[dict] | None = None
    """What WooCommerce listed, as decoded (None: the cycle stopped before listing)."""
    posted: bytes | None = None
    """putOrdersIntoCRM's body (None: nothing was posted)."""
    reply: str | None = None
    """putOrdersIntoCRM's reply body (None: nothing was posted)."""

    @property
    def clean(self) -> bool:
        """Allowed, posted, answered `1`, and nothing logged as an error or a violation."""
        return self.allowed and self.reply == "1" and not self.errors and not self.violations


class PluginHang(Exception):
    """Where the PHP plugin would loop for ever."""


class PluginTypeError(Exception):
    """Where PHP 8 throws a TypeError (count() or foreach of something not a list)."""


class _StepFailed(Exception):
    """The plugin logged an error and left the step (no exception in PHP)."""


# -- the plugin ------------------------------------------------------------------------------------


class DokioStorePlugin:
    """The plugin for one store: its two settings (CRM API address and secret key) and the
    WooCommerce it writes to. `transport` defaults to real HTTP to `api_address`."""

    def __init__(
        self,
        *,
        api_address: str,
        secret_key: str,
        woo: FakeWoo | None = None,
        plugin_version: str = PLUGIN_VERSION,
        transport: Transport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        self.api_address = api_address
        self.secret_key = secret_key
        self.woo = woo if woo is not None else FakeWoo()
        self.plugin_version = plugin_version
        self.transport = transport or HttpTransport(api_address, timeout=timeout)
        self._cycle = Cycle()

    # -- the calls ---------------------------------------------------------------------------------

    def get(self, endpoint: str, **params: object) -> Exchange:
        """`API_address . '/' . endpoint . '?key=' . secret_key . '&name=' . value ...`."""
        target = f"{endpoint}?key={self.secret_key}" + "".join(
            f"&{name}={php_string(value)}" for name, value in params.items()
        )
        return self._send("GET", endpoint, target, None, {})

    def post(self, endpoint: str, member: str, value: object) -> Exchange:
        """`'{"crmSecretKey":"' . secret_key . '","<member>":' . json_encode(value) . '}'`."""
        body = (
            f'{{"crmSecretKey":"{self.secret_key}","{member}":{php_json_encode(value)}}}'
        ).encode("ascii")
        headers = {"Content-Type": "application/json"}
        if len(body) > EXPECT_CONTINUE_OVER:
            headers["Expect"] = "100-continue"
        return self._send("POST", endpoint, endpoint, body, headers)

    def _send(
        self, method: str, endpoint: str, target: str, body: bytes | None, headers: dict
    ) -> Exchange:
        started = time.perf_counter()
        status, reply_headers, reply = self.transport(method, target, body, headers)
        query = dict(urllib.parse.parse_qsl(target.partition("?")[2], keep_blank_values=True))
        exchange = Exchange(
            method=method,
            endpoint=endpoint,
            query=query,
            request_body=body,
            status=status,
            headers=reply_headers,
            body=reply,
            seconds=time.perf_counter() - started,
        )
        self._cycle.exchanges.append(exchange)
        return exchange

    def connection_test(self) -> Exchange:
        """The admin's "Test connection to CRM" button (no plugin_version is sent)."""
        return self.get("DokioCrmConnectionTest")

    # -- the cycle ---------------------------------------------------------------------------------

    def run_catalog_cycle(self) -> Cycle:
        """`c_cron_products()`: the gate, then the five steps, each on its own."""
        cycle = self._cycle = Cycle()
        cycle.gate, cycle.allowed = self._is_let_sync()
        if not cycle.allowed:
            return cycle
        for name in STEPS:
            step = cycle.steps[name] = Step(name=name)
            gated = name != "categories"  # the categories step relies on the cron's gate
            if gated:
                _, step.allowed = self._is_let_sync()
                if not step.allowed:
                    continue
            step.allowed = True
            try:
                getattr(self, f"_sync_{name}")(step)
            except _StepFailed as failure:
                step.failed = str(failure)
            except (WooError, PluginTypeError) as error:
                step.failed = str(error)
                cycle.errors.append(f"{name}: {error}")
                if name == "products":
                    self._roll_back(step)
        return cycle

    def run_orders_cycle(self) -> OrdersCycle:
        """`c_get_crm_orders()`: the gate, the watermark, the shop's orders after it, the post
        (protocol notes 5.1). See the module's docstring."""
        cycle = self._cycle = OrdersCycle()
        cycle.gate, cycle.allowed = self._is_let_sync()
        if not cycle.allowed:
            return cycle
        exchange = self.get("getLastSynchronizedOrderTime")
        if exchange.status != 200:  # any other status is an error, whatever the body (3.17)
            self._error(
                f"getLastSynchronizedOrderTime: Server error with response code = "
                f"{exchange.status}, received {exchange.text[:200]!r}"
            )
            return cycle
        cycle.watermark = exchange.text
        if not WATERMARK.fullmatch(cycle.watermark):
            self._violation(f"getLastSynchronizedOrderTime: {cycle.watermark[:200]!r} is no date")
        try:
            cycle.orders = self.woo.request(
                "GET", "orders", query={"after": cycle.watermark, "dates_are_gmt": 1}
            )
        except WooError as error:  # the plugin throws, logs, and posts nothing this minute
            self._error(f"orders: {error}")
            return cycle
        reply = self.post("putOrdersIntoCRM", "orders", php_reencoded(cycle.orders))
        cycle.posted = reply.request_body
        cycle.reply = reply.text
        self._read_orders_reply(reply)
        return cycle

    def _read_orders_reply(self, reply: Exchange) -> None:
        """The plugin only logs the reply, by its body (the HTTP status is not read)."""
        exception = ORDER_REPLIES.get(reply.text)
        if exception == "":
            self._log(f"putOrdersIntoCRM: {len(self._cycle.orders or [])} orders sent")
        elif exception:
            self._error(f"putOrdersIntoCRM: {exception}")
        elif reply.text == "":
            self._error("putOrdersIntoCRM: Server error. See server logs")
        else:
            self._error(f"putOrdersIntoCRM: reply {reply.status} {reply.text[:200]!r}")

    def _is_let_sync(self) -> tuple[dict | None, bool]:
        exchange = self.get("isLetSync", plugin_version=self.plugin_version)
        if exchange.status != 200:
            self._error(
                f"isLetSync: Server error with response code = {exchange.status}. "
                "Connection possibility request failed!"
            )
            return None, False
        data = exchange.json()
        if not isinstance(data, dict):
            self._error(f"isLetSync: the reply is not a JSON object: {exchange.text[:200]!r}")
            return None, False
        allowed = data.get("is_sync_allowed")
        if not isinstance(allowed, bool):
            self._violation(f"isLetSync: is_sync_allowed is {allowed!r}, not a JSON boolean")
        if not isinstance(data.get("reason"), str):
            self._violation(f"isLetSync: reason is {data.get('reason')!r}, not a string")
        if not php_truthy(allowed):
            self._log(f"Connection possibility rejected. Reason: {data.get('reason')}")
        return data, php_truthy(allowed)

    # -- categories (4.3) --------------------------------------------------------------------------

    def _sync_categories(self, step: Step) -> None:
        data = self._catalog_get(
            "syncProductCategoriesToStore", check_status=True, lists=("productCategories",)
        )
        step.received = data["productCategories"]
        step.all_woo_ids = self._list_of(data, "allProductCategoriesWooIds")
        woo_categories = self._read_woo_categories()
        known = php_ids(step.all_woo_ids)
        existing = set()
        for category in woo_categories:
            keep = category["id"] == self.woo.default_product_cat or category["id"] in known
            if keep:
                existing.add(category["id"])
            else:
                self.woo.request(
                    "DELETE", f"products/categories/{category['id']}", query={"force": 1}
                )
                step.deleted.append(category["id"])
        crm_ids = [php_id(category.get("crm_id")) for category in step.received]
        handled: dict[object, int] = {}
        pairs: list[dict] = []
        while len(handled) < len(step.received):
            progress = False
            for category in step.received:
                crm_id = php_id(category.get("crm_id"))
                if crm_id in handled:
                    continue
                parent = php_id(category.get("parent_crm_id"))
                if not parent or parent not in crm_ids:
                    parent_woo_id = None
                elif parent in handled:
                    parent_woo_id = handled[parent]
                else:
                    continue
                woo_id = self._write_category(step, category, parent_woo_id, existing)
                handled[crm_id] = woo_id
                pairs.append({"id": woo_id, "crm_id": category.get("crm_id")})
                progress = True
            if not progress:
                raise PluginHang(
                    "the categories loop never ends: duplicate crm_ids or a parent cycle in "
                    f"{[c.get('crm_id') for c in step.received]}"
                )
        if pairs:
            step.pairs = pairs
            step.ids_reply = self._post_ids("syncProductCategoriesIds", pairs, check_status=True)

    def _read_woo_categories(self) -> list[dict]:
        categories, page = [], 1
        while True:
            batch = self.woo.request(
                "GET", "products/categories", query={"per_page": 100, "page": page}
            )
            categories += batch
            if len(batch) < 100:
                return categories
            page += 1

    def _write_category(
        self, step: Step, category: dict, parent_woo_id: int | None, existing: set[int]
    ) -> int:
        body = {
            "name": category.get("name"),
            "description": category.get("description"),
            "display": category.get("display"),
            "menu_order": category.get("menu_order"),
            "parent": parent_woo_id,
        }
        if category.get("img_address") is None:
            body["image"] = {"src": "", "name": "", "alt": ""}
        else:
            body["image"] = {
                "src": category.get("img_address"),
                "name": category.get("img_original_name"),
                "alt": category.get("img_alt"),
            }
        if str(category.get("slug") or "").strip():
            body["slug"] = category["slug"]
        woo_id = php_id(category.get("woo_id"))
        if woo_id and woo_id in existing:
            shown = self.woo.categories[woo_id].get("image")
            if shown and shown.get("name") == category.get("img_original_name"):
                del body["image"]
            self.woo.request("PUT", f"products/categories/{woo_id}", body)
            step.updated.append(woo_id)
            return woo_id
        created = self.woo.request("POST", "products/categories", body)
        existing.add(created["id"])
        step.created.append(created["id"])
        return created["id"]

    # -- attributes (4.4) --------------------------------------------------------------------------

    def _sync_attributes(self, step: Step) -> None:
        # This step does not look at the HTTP status, only at queryResultCode.
        data = self._catalog_get(
            "syncProductAttributesToStore", check_status=False, lists=("productAttributes",)
        )
        step.received = data["productAttributes"]
        step.all_woo_ids = self._list_of(data, "allProductAttributesWooIds")
        known = php_ids(step.all_woo_ids)
        existing = set()
        for attribute in self._read_woo_attributes():
            if attribute["id"] in known:
                existing.add(attribute["id"])
            else:
                self.woo.request(
                    "DELETE", f"products/attributes/{attribute['id']}", query={"force": 1}
                )
                step.deleted.append(attribute["id"])
        pairs = []
        for attribute in step.received:
            body = {
                key: attribute.get(key)
                for key in ("name", "slug", "type", "order_by", "has_archives")
            }
            woo_id = php_id(attribute.get("woo_id"))
            if woo_id and woo_id in existing:
                self.woo.request("PUT", f"products/attributes/{woo_id}", body)
                step.updated.append(woo_id)
            else:
                woo_id = self.woo.request("POST", "products/attributes", body)["id"]
                existing.add(woo_id)
                step.created.append(woo_id)
            pairs.append({"id": woo_id, "crm_id": attribute.get("crm_id")})
        if pairs:
            step.pairs = pairs
            step.ids_reply = self._post_ids("syncProductAttributesIds", pairs, check_status=False)

    def _read_woo_attributes(self) -> list[dict]:
        attributes = self.woo.request("GET", "products/attributes")
        if len(attributes) == 100:
            # The plugin then asks for page=2, 3, ...; WooCommerce ignores `page` here.
            raise PluginHang("exactly 100 WooCommerce attributes: the plugin's paging never ends")
        return attributes

    # -- terms (4.5) -------------------------------------------------------------------------------

    def _sync_terms(self, step: Step) -> None:
        data = self._catalog_get(
            "syncAttributeTermsToStore", check_status=True, lists=("attributeTerms",)
        )
        step.received = data["attributeTerms"]
        step.all_woo_ids = self._list_of(data, "allTermsWooIds")
        attribute_ids = {attribute["id"] for attribute in self._read_woo_attributes()}
        known = php_ids(step.all_woo_ids)
        seen: dict[int, set[int]] = {}
        for attribute_id in sorted(attribute_ids):
            # No per_page: WooCommerce answers its default 10 terms.
            terms = self.woo.request("GET", f"products/attributes/{attribute_id}/terms")
            seen[attribute_id] = set()
            for term in terms:
                if term["id"] in known:
                    seen[attribute_id].add(term["id"])
                else:
                    self.woo.request(
                        "DELETE",
                        f"products/attributes/{attribute_id}/terms/{term['id']}",
                        query={"force": 1},
                    )
                    step.deleted.append(term["id"])
        pairs = []
        for term in step.received:
            attribute_id = php_id(term.get("attribute_woo_id"))
            if attribute_id not in attribute_ids:
                self._log(f"WARN: the attribute of term {term.get('crm_id')} is not in the shop")
                step.skipped.append(term.get("crm_id"))
                continue
            body = {key: term.get(key) for key in ("name", "slug", "description", "menu_order")}
            woo_id = php_id(term.get("woo_id"))
            route = f"products/attributes/{attribute_id}/terms"
            if woo_id and woo_id in seen[attribute_id]:
                self.woo.request("PUT", f"{route}/{woo_id}", body)
                step.updated.append(woo_id)
            else:
                woo_id = self.woo.request("POST", route, body)["id"]
                step.created.append(woo_id)
            pairs.append({"id": woo_id, "crm_id": term.get("crm_id")})
        if pairs:
            step.pairs = pairs
            step.ids_reply = self._post_ids("syncAttributeTermsIds", pairs, check_status=False)

    # -- products (4.6) ----------------------------------------------------------------------------

    def _sync_products(self, step: Step) -> None:
        step.count = self._count("countProductsToStoreSync")
        woo_ids = set(self.woo.product_ids())
        pairs: list[dict] = []
        if step.count > 0:
            for first_result in _offsets(step.count):
                exchange = self.get(
                    "syncProductsToStore", first_result=first_result, max_results=PAGE_SIZE
                )
                data = exchange.json()
                step.pages.append(data)
                if exchange.status != 200 or not isinstance(data, dict):
                    self._error(
                        f"syncProductsToStore first_result={first_result}: Server error with "
                        f"response code = {exchange.status}, received {exchange.text[:200]!r}"
                    )
                    continue
                self._check_code(data, f"syncProductsToStore first_result={first_result}")
                if not php_equals_one(data.get("queryResultCode")):
                    self._error(
                        f"syncProductsToStore first_result={first_result}: Server error with "
                        f"response code = {data.get('queryResultCode')!r}"
                    )
                    continue
                for product in self._list_of(data, "products"):
                    step.received.append(product)
                    woo_id = self._write_product(step, product, woo_ids)
                    pairs.append({"id": woo_id, "crm_id": product.get("crm_id")})
        else:
            self._log("WARN: no products to sync")
        if pairs:
            step.pairs = pairs
            reply = self.post("syncProductsIds", "idsSet", pairs)
            step.ids_reply = reply.text
            self._check_raw_one(reply, "syncProductsIds")
            if reply.status != 200 or reply.text in ("", "-200"):
                self._error(f"syncProductsIds failed ({reply.status} {reply.text!r}): rollback")
                self._roll_back(step)
        self._delete_products(step, woo_ids)

    def _write_product(self, step: Step, product: dict, woo_ids: set[int]) -> int:
        images = [
            {
                "src": image.get("img_address"),
                "name": image.get("img_original_name"),
                "alt": image.get("img_alt"),
            }
            for image in self._list_in(product, "images")
        ]
        body = {
            "name": product.get("name"),
            "type": product.get("type"),
            "regular_price": product.get("regular_price"),
            "sale_price": product.get("sale_price"),
            "description": product.get("description"),
            "short_description": product.get("short_description"),
            "categories": [{"id": category} for category in self._list_in(product, "categories")],
            "attributes": [
                {
                    "id": attribute.get("woo_id"),
                    "position": attribute.get("position"),
                    "visible": attribute.get("visible"),
                    "variation": attribute.get("variation"),
                    "options": self._list_in(attribute, "options"),
                }
                for attribute in self._list_in(product, "attributes")
            ],
            **{
                key: product.get(key)
                for key in (
                    "stock_status",
                    "sku",
                    "stock_quantity",
                    "sold_individually",
                    "manage_stock",
                    "backorders",
                    "purchase_note",
                    "menu_order",
                    "reviews_allowed",
                )
            },
            "upsell_ids": self._list_in(product, "upsells"),
            "cross_sell_ids": self._list_in(product, "crosssells"),
            "default_attributes": [
                {
                    "id": default.get("woo_attribute_id"),
                    "name": default.get("name"),
                    "option": default.get("option"),
                }
                for default in self._list_in(product, "defaultAttributes")
            ],
        }
        keep_variations = php_ids(self._list_in(product, "variations_woo_ids"))
        woo_id = php_id(product.get("woo_id"))
        if woo_id and woo_id in woo_ids:
            shown = self.woo.request("GET", f"products/{woo_id}")
            names = [image.get("name") for image in shown["images"]]
            if names != [image["name"] for image in images]:
                body["images"] = images
            self.woo.request("PUT", f"products/{woo_id}", body)
            step.updated.append(woo_id)
            for variation in self.woo.request("GET", f"products/{woo_id}/variations"):
                if variation["id"] not in keep_variations:
                    self.woo.request(
                        "DELETE",
                        f"products/{woo_id}/variations/{variation['id']}",
                        query={"force": 1},
                    )
                    step.deleted.append(variation["id"])
            return woo_id
        body["images"] = images
        woo_id = self.woo.request("POST", "products", body)["id"]
        step.created.append(woo_id)
        return woo_id

    def _delete_products(self, step: Step, woo_ids: set[int]) -> None:
        exchange = self.get("getProductWooIdsToDeleteInStore")
        data = exchange.json()
        if exchange.status != 200 or not isinstance(data, list):
            self._error(
                "getProductWooIdsToDeleteInStore: Server error with response code = null, "
                f"received {exchange.status} {exchange.text[:200]!r}"
            )
            return
        step.to_delete = data
        for woo_id in data:
            if php_id(woo_id) in woo_ids:
                self.woo.request("DELETE", f"products/{php_id(woo_id)}", query={"force": 1})
                step.deleted.append(php_id(woo_id))
        if data:
            reply = self.post("deleteWooIdsFromProducts", "idsSet", data)
            step.delete_reply = reply.text
            self._check_raw_one(reply, "deleteWooIdsFromProducts")

    def _roll_back(self, step: Step) -> None:
        """Delete every product created in this run (the plugin's `force` delete)."""
        for woo_id in step.created:
            if woo_id in self.woo.products:
                self.woo.request("DELETE", f"products/{woo_id}", query={"force": 1})
                step.rolled_back.append(woo_id)

    # -- variations (4.7) --------------------------------------------------------------------------

    def _sync_variations(self, step: Step) -> None:
        step.count = self._count("countVariationsToStoreSync")
        pairs: list[dict] = []
        for first_result in _offsets(step.count):
            exchange = self.get(
                "syncVariationsToStore", first_result=first_result, max_results=PAGE_SIZE
            )
            data = exchange.json()
            step.pages.append(data)
            if exchange.status != 200:  # queryResultCode is not checked on these pages
                self._error(
                    f"syncVariationsToStore first_result={first_result}: Server error with "
                    f"response code = {exchange.status}"
                )
                continue
            if not isinstance(data, dict):
                raise PluginTypeError(
                    f"syncVariationsToStore: not a JSON object: {exchange.text[:200]!r}"
                )
            self._check_code(data, f"syncVariationsToStore first_result={first_result}")
            for variation in self._list_of(data, "variations"):
                step.received.append(variation)
                woo_id = self._write_variation(step, variation)
                pairs.append({"id": woo_id, "crm_id": variation.get("crm_id")})
        step.pairs = pairs  # posted on every cycle, even empty
        reply = self.post("syncVariationsIds", "idsSet", pairs)
        step.ids_reply = reply.text
        self._check_raw_one(reply, "syncVariationsIds")

    def _write_variation(self, step: Step, variation: dict) -> int:
        image = variation.get("image")
        if not isinstance(image, dict):
            self._violation(
                f"variation {variation.get('crm_id')}: image is {image!r}, not an object"
            )
            image = {}
        body = {
            key: variation.get(key)
            for key in (
                "regular_price",
                "sale_price",
                "description",
                "stock_status",
                "sku",
                "stock_quantity",
                "manage_stock",
                "backorders",
                "menu_order",
            )
        }
        body["attributes"] = [
            {"id": attribute.get("id"), "option": attribute.get("option")}
            for attribute in self._list_in(variation, "listOfVariationAttributes")
        ]
        if image.get("img_address"):
            body["image"] = {
                "src": image.get("img_address"),
                "name": image.get("img_original_name"),
                "alt": image.get("img_alt"),
            }
        else:
            body["image"] = {"id": 0}
        route = f"products/{php_string(variation.get('parent_product_woo_id'))}/variations"
        woo_id = php_id(variation.get("woo_id"))
        if woo_id:
            listed = {row["id"]: row for row in self.woo.request("GET", route)}
            if woo_id in listed:
                shown = listed[woo_id].get("image") or {}
                if "src" in body["image"] and shown.get("name") == image.get("img_original_name"):
                    del body["image"]
                self.woo.request("PUT", f"{route}/{woo_id}", body)
                step.updated.append(woo_id)
                return woo_id
        woo_id = self.woo.request("POST", route, body)["id"]
        step.created.append(woo_id)
        return woo_id

    # -- shared reading rules ----------------------------------------------------------------------

    def _catalog_get(self, endpoint: str, *, check_status: bool, lists: tuple[str, ...]) -> dict:
        exchange = self.get(endpoint)
        if check_status and exchange.status != 200:
            self._error(
                f"{endpoint}: Server error with response code = {exchange.status}, "
                f"received {exchange.text[:200]!r}"
            )
            raise _StepFailed(f"HTTP {exchange.status}")
        data = exchange.json()
        if not isinstance(data, dict):
            self._error(f"{endpoint}: the reply is not a JSON object: {exchange.text[:200]!r}")
            raise _StepFailed("not a JSON object")
        self._check_code(data, endpoint)
        if not php_equals_one(data.get("queryResultCode")):
            self._error(
                f"{endpoint}: Server error with response code = {data.get('queryResultCode')!r}. "
                "Synchronization failed!"
            )
            raise _StepFailed(f"queryResultCode {data.get('queryResultCode')!r}")
        for name in lists:
            self._list_of(data, name)
        return data

    def _count(self, endpoint: str) -> int:
        data = self._catalog_get(endpoint, check_status=True, lists=())
        count = data.get("productCount")
        if isinstance(count, bool) or not isinstance(count, int):
            self._violation(f"{endpoint}: productCount is {count!r}, not a JSON integer")
            raise PluginTypeError(f"{endpoint}: productCount {count!r}")
        return count

    def _check_code(self, data: dict, where: str) -> None:
        code = data.get("queryResultCode")
        if isinstance(code, bool) or not isinstance(code, int):
            self._violation(f"{where}: queryResultCode is {code!r}, not a JSON number")

    def _list_of(self, data: dict, name: str) -> list:
        value = data.get(name)
        if not isinstance(value, list):
            self._violation(f"{name} is {value!r}, not a JSON array")
            raise PluginTypeError(
                f"count(): Argument #1 ($value) must be of type Countable|array ({name})"
            )
        return value

    def _list_in(self, item: dict, name: str) -> list:
        value = item.get(name)
        if not isinstance(value, list):
            self._violation(f"crm_id {item.get('crm_id')}: {name} is {value!r}, not a JSON array")
            raise PluginTypeError(f"foreach() over {name} of crm_id {item.get('crm_id')}")
        return value

    def _post_ids(self, endpoint: str, pairs: list[dict], *, check_status: bool) -> str:
        reply = self.post(endpoint, "idsSet", pairs)
        if check_status and reply.status != 200:
            self._error(f"{endpoint}: Server error with response code = {reply.status}")
        self._check_raw_one(reply, endpoint)
        return reply.text

    def _check_raw_one(self, reply: Exchange, endpoint: str) -> None:
        if reply.body != b"1":
            self._error(f"{endpoint}: reply {reply.status} {reply.text[:200]!r}, not the raw 1")

    def _log(self, line: str) -> None:
        self._cycle.log.append(line)

    def _error(self, line: str) -> None:
        self._cycle.log.append(f"ERROR: {line}")
        self._cycle.errors.append(line)

    def _violation(self, line: str) -> None:
        self._cycle.violations.append(line)


def _offsets(count: int) -> Iterator[int]:
    """first_result of each page: 0, 100, 200, ... ceil(count / 100) of them."""
    return (page * PAGE_SIZE for page in range(math.ceil(count / PAGE_SIZE)))


def every_item(cycle: Cycle, step: str) -> Iterator[tuple[int, dict]]:
    """(page index, item) of every product or variation page a cycle received."""
    key = "products" if step == "products" else "variations"
    for index, page in enumerate(cycle[step].pages):
        yield from ((index, item) for item in page.get(key, []))
