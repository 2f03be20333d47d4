"""An in-memory WooCommerce for the plugin stand-in (tests/storeapi/plugin_client.py): the REST
routes the DokioStore plugin calls (protocol notes 4.8), with WordPress's type checks.

It allocates ids, keeps what was written, so a test can ask what the shop would show, and
applies deletions as WooCommerce does (a deleted category's children move up, a deleted
attribute takes its terms along, a deleted product its variations).

What it refuses is what WordPress's REST layer refuses with HTTP 400 (protocol notes, section 6):
a non-null value of the wrong JSON type (a number for a price, a string that is not a number for
an id), a null inside a list or an object, an unknown enum value, a duplicated SKU, a second term
of the same name, an attribute slug over 28 bytes; and `products//variations` (a variation whose
parent id is null) is WordPress's 404 "no route". A null at the top of a body is not refused
there: WordPress casts it (string -> "", integer -> 0, ...), silently changing the shop's data,
so it is accepted and noted in `warnings`, as is every value WordPress only takes by coercion
(a numeric string for an integer, "1" for a boolean). A clean wire leaves `warnings` empty.

Orders: a test places them with `add_order` (any WooCommerce order JSON, e.g. the real ones of
../shared/data/woocommerce-orders), and `GET orders` lists them as the plugin's orders cycle
reads them (protocol notes 5.1): `after` strictly, on date_created_gmt, newest first, 10 a page.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_PER_PAGE = 10
"""WooCommerce's page size when a list call names none (terms and variations, as the plugin
reads them)."""
ATTRIBUTE_SLUG_MAX_BYTES = 28
UNCATEGORIZED_ID = 15
REST_DATE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)
"""WordPress's rest_parse_date: what a `date-time` parameter (orders' `after`) must look like."""
WOO_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


class WooError(Exception):
    """A WooCommerce error reply: the plugin's client throws `Error: <message> [<code>]`."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"Error: {message} [{code}]")
        self.status = status
        self.code = code
        self.message = message


# -- WordPress's REST schema checks ----------------------------------------------------------------

Schema = Mapping[str, Any]
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
NULL_DEFAULTS = {"string": "", "integer": 0, "boolean": False, "array": [], "object": {}}


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": values}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(**properties: Schema) -> Schema:
    return {"type": "object", "properties": properties}


IMAGE = obj(id=INTEGER, src=STRING, name=STRING, alt=STRING)
CATEGORY = obj(
    name=STRING,
    slug=STRING,
    parent=INTEGER,
    description=STRING,
    display=enum("default", "products", "subcategories", "both"),
    image=IMAGE,
    menu_order=INTEGER,
)
ATTRIBUTE = obj(
    name=STRING,
    slug=STRING,
    type=enum("select"),
    order_by=enum("menu_order", "name", "name_num", "id"),
    has_archives=BOOLEAN,
)
TERM = obj(name=STRING, slug=STRING, description=STRING, menu_order=INTEGER)
STOCK_STATUS = enum("instock", "outofstock", "onbackorder")
BACKORDERS = enum("no", "notify", "yes")
PRODUCT = obj(
    name=STRING,
    type=enum("simple", "grouped", "external", "variable"),
    regular_price=STRING,
    sale_price=STRING,
    description=STRING,
    short_description=STRING,
    categories=array(obj(id=INTEGER)),
    attributes=array(
        obj(
            id=INTEGER,
            name=STRING,
            position=INTEGER,
            visible=BOOLEAN,
            variation=BOOLEAN,
            options=array(STRING),
        )
    ),
    stock_status=STOCK_STATUS,
    sku=STRING,
    stock_quantity=INTEGER,
    sold_individually=BOOLEAN,
    manage_stock=BOOLEAN,
    backorders=BACKORDERS,
    purchase_note=STRING,
    menu_order=INTEGER,
    reviews_allowed=BOOLEAN,
    upsell_ids=array(INTEGER),
    cross_sell_ids=array(INTEGER),
    default_attributes=array(obj(id=INTEGER, name=STRING, option=STRING)),
    images=array(IMAGE),
)
VARIATION = obj(
    regular_price=STRING,
    sale_price=STRING,
    description=STRING,
    attributes=array(obj(id=INTEGER, name=STRING, option=STRING)),
    stock_status=STOCK_STATUS,
    sku=STRING,
    stock_quantity=INTEGER,
    manage_stock=BOOLEAN,
    backorders=BACKORDERS,
    menu_order=INTEGER,
    image=IMAGE,
)


class _Checker:
    """Validates a request body against a schema the way WP_REST_Request does: top-level nulls
    are skipped and cast, everything else must have its type."""

    def __init__(self, route: str, warn: Callable[[str], None], nulls_expected: frozenset[str]):
        self.route = route
        self.warn = warn
        self.nulls_expected = nulls_expected

    def body(self, body: object, schema: Schema) -> dict:
        if not isinstance(body, dict):
            raise WooError(400, "rest_invalid_json", "Invalid JSON body passed.")
        clean = {}
        for name, value in body.items():
            item_schema = schema["properties"].get(name)
            if item_schema is None:
                clean[name] = value  # WordPress ignores parameters it does not know
            elif value is None:
                if name not in self.nulls_expected:
                    self.warn(f"{self.route}: {name} is null; WordPress casts it and saves that")
                clean[name] = copy.deepcopy(NULL_DEFAULTS[item_schema["type"]])
            else:
                clean[name] = self.value(value, item_schema, name)
        return clean

    def value(self, value: object, schema: Schema, path: str) -> object:
        kind = schema["type"]
        if value is None:
            self.refuse(path, f"{path} is not of type {kind}.")
        if kind == "string":
            if not isinstance(value, str):
                self.refuse(path, f"{path} is not of type string.")
            if "enum" in schema and value not in schema["enum"]:
                self.refuse(path, f"{path} is not one of {', '.join(schema['enum'])}.")
            return value
        if kind == "integer":
            return self.integer(value, path)
        if kind == "boolean":
            return self.boolean(value, path)
        if kind == "array":
            if not isinstance(value, list):
                self.refuse(path, f"{path} is not of type array.")
            return [
                self.value(item, schema["items"], f"{path}[{index}]")
                for index, item in enumerate(value)
            ]
        if not isinstance(value, dict):
            self.refuse(path, f"{path} is not of type object.")
        properties = schema["properties"]
        return {
            name: self.value(item, properties[name], f"{path}[{name}]")
            if name in properties
            else item
            for name, item in value.items()
        }

    def integer(self, value: object, path: str) -> int:
        if isinstance(value, bool):
            self.refuse(path, f"{path} is not of type integer.")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            self.warn(f"{self.route}: {path} is the float {value!r}; WordPress takes it as integer")
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            self.warn(
                f"{self.route}: {path} is the string {value!r}; WordPress takes it as integer"
            )
            return int(value)
        self.refuse(path, f"{path} is not of type integer.")
        raise AssertionError  # unreachable: refuse raises

    def boolean(self, value: object, path: str) -> bool:
        if isinstance(value, bool):
            return value
        coerced = {
            "true": True,
            "false": False,
            "1": True,
            "0": False,
            "": False,
            1: True,
            0: False,
        }
        if isinstance(value, str | int) and value in coerced:
            self.warn(f"{self.route}: {path} is {value!r}; WordPress takes it as boolean")
            return coerced[value]
        self.refuse(path, f"{path} is not of type boolean.")
        raise AssertionError

    def refuse(self, path: str, reason: str) -> None:
        name = path.split("[", 1)[0]
        raise WooError(400, "rest_invalid_param", f"Invalid parameter(s): {name} ({reason})")


# -- the shop --------------------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    route: str
    query: dict
    body: object
    status: int


@dataclass
class FakeWoo:
    """One WooCommerce shop. `request` is its REST API (what the plugin's Woo client calls);
    `product_ids` is the PHP `wc_get_products` the products step calls directly."""

    categories: dict[int, dict] = field(default_factory=dict)
    attributes: dict[int, dict] = field(default_factory=dict)
    terms: dict[int, dict[int, dict]] = field(default_factory=dict)
    products: dict[int, dict] = field(default_factory=dict)
    variations: dict[int, dict[int, dict]] = field(default_factory=dict)
    orders: dict[int, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    default_product_cat: int = UNCATEGORIZED_ID

    def __post_init__(self) -> None:
        # wp_terms ids (categories, terms), wp_posts ids (products, variations, images) and
        # attribute ids come from three sequences, as in WordPress.
        self._term_ids = itertools.count(self.default_product_cat + 1)
        self._post_ids = itertools.count(100)
        self._attribute_ids = itertools.count(1)
        self._sku_owners: dict[str, int] = {}
        self.categories.setdefault(
            self.default_product_cat,
            {
                "id": self.default_product_cat,
                "name": "Uncategorized",
                "slug": "uncategorized",
                "parent": 0,
                "description": "",
                "display": "default",
                "image": None,
                "menu_order": 0,
            },
        )

    # -- the REST API ----------------------------------------------------------------------------

    def request(
        self, method: str, route: str, body: object = None, query: Mapping | None = None
    ) -> Any:
        """One REST call: the body goes through a JSON round trip like on the wire. Returns the
        decoded reply; raises WooError for an error reply."""
        query = dict(query or {})
        if body is not None:
            body = json.loads(json.dumps(body))
        call = Call(method=method, route=route, query=query, body=body, status=200)
        self.calls.append(call)
        try:
            handler, args = self._route(method, route)
            if method == "DELETE" and str(query.get("force")) not in {"1", "true", "True"}:
                raise WooError(501, "woocommerce_rest_trash_not_supported", "Not supported.")
            reply = handler(*args, body=body, query=query)
        except WooError as error:
            call.status = error.status
            raise
        if method == "POST":
            call.status = 201
        return json.loads(json.dumps(reply))

    def product_ids(self) -> list[int]:
        """`wc_get_products(['return' => 'ids', 'limit' => -1])`: every product, no variation."""
        return sorted(self.products)

    def _route(self, method: str, route: str) -> tuple[Callable, tuple]:
        patterns: list[tuple[str, str, Callable]] = [
            ("GET", r"products/categories", self._list_categories),
            ("POST", r"products/categories", self._create_category),
            ("PUT", r"products/categories/(\d+)", self._update_category),
            ("DELETE", r"products/categories/(\d+)", self._delete_category),
            ("GET", r"products/attributes", self._list_attributes),
            ("POST", r"products/attributes", self._create_attribute),
            ("PUT", r"products/attributes/(\d+)", self._update_attribute),
            ("DELETE", r"products/attributes/(\d+)", self._delete_attribute),
            ("GET", r"products/attributes/(\d+)/terms", self._list_terms),
            ("POST", r"products/attributes/(\d+)/terms", self._create_term),
            ("PUT", r"products/attributes/(\d+)/terms/(\d+)", self._update_term),
            ("DELETE", r"products/attributes/(\d+)/terms/(\d+)", self._delete_term),
            ("POST", r"products", self._create_product),
            ("GET", r"products/(\d+)", self._get_product),
            ("PUT", r"products/(\d+)", self._update_product),
            ("DELETE", r"products/(\d+)", self._delete_product),
            ("GET", r"products/(\d+)/variations", self._list_variations),
            ("POST", r"products/(\d+)/variations", self._create_variation),
            ("PUT", r"products/(\d+)/variations/(\d+)", self._update_variation),
            ("DELETE", r"products/(\d+)/variations/(\d+)", self._delete_variation),
            ("GET", r"orders", self._list_orders),
        ]
        for verb, pattern, handler in patterns:
            match = re.fullmatch(pattern, route)
            if verb == method and match:
                return handler, tuple(int(group) for group in match.groups())
        raise WooError(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

    def _checker(self, route: str, *, nulls_expected: frozenset[str] = frozenset()) -> _Checker:
        return _Checker(route, self.warnings.append, nulls_expected)

    # -- categories ----------------------------------------------------------------------------

    def _list_categories(self, *, body, query) -> list[dict]:
        rows = sorted(self.categories.values(), key=lambda row: (row["name"], row["id"]))
        return _page(rows, query)

    def _create_category(self, *, body, query) -> dict:
        # The plugin sends "parent": null for a root category on purpose: not a data change.
        data = self._checker("POST products/categories", nulls_expected=frozenset({"parent"})).body(
            body, CATEGORY
        )
        if not data.get("name"):
            raise WooError(400, "rest_missing_callback_param", "Missing parameter(s): name")
        row = {
            "id": next(self._term_ids),
            "name": "",
            "slug": "",
            "parent": 0,
            "description": "",
            "display": "default",
            "image": None,
            "menu_order": 0,
        }
        self._write_category(row, data)
        self.categories[row["id"]] = row
        return row

    def _update_category(self, category_id: int, *, body, query) -> dict:
        row = self.categories.get(category_id)
        if row is None:
            raise WooError(404, "woocommerce_rest_term_invalid", "Resource does not exist.")
        data = self._checker(
            f"PUT products/categories/{category_id}", nulls_expected=frozenset({"parent"})
        ).body(body, CATEGORY)
        self._write_category(row, data)
        return row

    def _write_category(self, row: dict, data: dict) -> None:
        parent = data.get("parent", row["parent"])
        if parent and parent not in self.categories:
            raise WooError(400, "woocommerce_rest_term_invalid", "Parent term does not exist.")
        if parent and parent in self._category_ancestry(row["id"], parent):
            raise WooError(400, "woocommerce_rest_term_invalid", "A term cannot be its own parent.")
        name = data.get("name", row["name"])
        for other in self.categories.values():
            if other["id"] != row["id"] and other["name"] == name and other["parent"] == parent:
                raise WooError(
                    400,
                    "term_exists",
                    "A term with the name provided already exists with this parent.",
                )
        slugs = {other["slug"] for other in self.categories.values() if other["id"] != row["id"]}
        row.update(
            {key: data[key] for key in ("description", "display", "menu_order") if key in data}
        )
        row["name"] = name
        row["parent"] = parent
        if data.get("slug") or not row["slug"]:
            row["slug"] = _unique_slug(data.get("slug") or _slugify(name), slugs)
        if "image" in data:
            row["image"] = self._image(data["image"])

    def _category_ancestry(self, category_id: int, parent: int) -> list[int]:
        """`category_id` and the ancestors of `parent`: a parent among them makes a cycle."""
        chain, current = [category_id], parent
        while current and current not in chain[1:]:
            chain.append(current)
            current = self.categories.get(current, {}).get("parent", 0)
        return chain if category_id in chain[1:] else []

    def _delete_category(self, category_id: int, *, body, query) -> dict:
        row = self.categories.get(category_id)
        if row is None:
            raise WooError(404, "woocommerce_rest_term_invalid", "Resource does not exist.")
        if category_id == self.default_product_cat:
            raise WooError(500, "woocommerce_rest_cannot_delete", "The resource cannot be deleted.")
        del self.categories[category_id]
        for child in self.categories.values():
            if child["parent"] == category_id:
                child["parent"] = row["parent"]
        for product in self.products.values():
            product["categories"] = [c for c in product["categories"] if c["id"] != category_id]
        return {**row, "deleted": True}

    # -- attributes and terms --------------------------------------------------------------------

    def _list_attributes(self, *, body, query) -> list[dict]:
        return [self.attributes[key] for key in sorted(self.attributes)]

    def _create_attribute(self, *, body, query) -> dict:
        data = self._checker("POST products/attributes").body(body, ATTRIBUTE)
        if not data.get("name"):
            raise WooError(400, "rest_missing_callback_param", "Missing parameter(s): name")
        row = {
            "id": next(self._attribute_ids),
            "name": "",
            "slug": "",
            "type": "select",
            "order_by": "menu_order",
            "has_archives": False,
        }
        self._write_attribute(row, data)
        self.attributes[row["id"]] = row
        self.terms[row["id"]] = {}
        return row

    def _update_attribute(self, attribute_id: int, *, body, query) -> dict:
        row = self.attributes.get(attribute_id)
        if row is None:
            raise WooError(404, "woocommerce_rest_attribute_invalid", "Resource does not exist.")
        data = self._checker(f"PUT products/attributes/{attribute_id}").body(body, ATTRIBUTE)
        self._write_attribute(row, data)
        return row

    def _write_attribute(self, row: dict, data: dict) -> None:
        slug = "pa_" + _slugify(data.get("slug") or data.get("name") or row["name"])
        if len(slug.encode()) > ATTRIBUTE_SLUG_MAX_BYTES + 3:
            raise WooError(
                400,
                "invalid_product_attribute_slug_too_long",
                f'Slug "{slug}" is too long (28 characters max). Shorten it, please.',
            )
        if any(other["slug"] == slug for key, other in self.attributes.items() if key != row["id"]):
            raise WooError(
                400,
                "invalid_product_attribute_slug_already_exists",
                f'Slug "{slug}" is already in use. Change it, please.',
            )
        row.update(
            {key: data[key] for key in ("name", "type", "order_by", "has_archives") if key in data}
        )
        row["slug"] = slug

    def _delete_attribute(self, attribute_id: int, *, body, query) -> dict:
        row = self.attributes.pop(attribute_id, None)
        if row is None:
            raise WooError(404, "woocommerce_rest_attribute_invalid", "Resource does not exist.")
        self.terms.pop(attribute_id, None)
        for product in self.products.values():
            product["attributes"] = [a for a in product["attributes"] if a["id"] != attribute_id]
        return row

    def _attribute_terms(self, attribute_id: int) -> dict[int, dict]:
        if attribute_id not in self.attributes:
            raise WooError(404, "woocommerce_rest_taxonomy_invalid", "Resource does not exist.")
        return self.terms[attribute_id]

    def _list_terms(self, attribute_id: int, *, body, query) -> list[dict]:
        rows = sorted(
            self._attribute_terms(attribute_id).values(), key=lambda row: (row["name"], row["id"])
        )
        return _page(rows, query)

    def _create_term(self, attribute_id: int, *, body, query) -> dict:
        terms = self._attribute_terms(attribute_id)
        data = self._checker(f"POST products/attributes/{attribute_id}/terms").body(body, TERM)
        if not data.get("name"):
            raise WooError(400, "rest_missing_callback_param", "Missing parameter(s): name")
        row = {
            "id": next(self._term_ids),
            "name": "",
            "slug": "",
            "description": "",
            "menu_order": 0,
        }
        self._write_term(terms, row, data)
        terms[row["id"]] = row
        return row

    def _update_term(self, attribute_id: int, term_id: int, *, body, query) -> dict:
        terms = self._attribute_terms(attribute_id)
        row = terms.get(term_id)
        if row is None:
            raise WooError(404, "woocommerce_rest_term_invalid", "Resource does not exist.")
        data = self._checker(f"PUT products/attributes/{attribute_id}/terms/{term_id}").body(
            body, TERM
        )
        self._write_term(terms, row, data)
        return row

    def _write_term(self, terms: dict[int, dict], row: dict, data: dict) -> None:
        name = data.get("name", row["name"])
        if any(other["name"] == name for key, other in terms.items() if key != row["id"]):
            raise WooError(
                400, "term_exists", "A term with the name provided already exists in this taxonomy."
            )
        slugs = {other["slug"] for key, other in terms.items() if key != row["id"]}
        row.update({key: data[key] for key in ("description", "menu_order") if key in data})
        row["name"] = name
        if data.get("slug") or not row["slug"]:
            row["slug"] = _unique_slug(data.get("slug") or _slugify(name), slugs)

    def _delete_term(self, attribute_id: int, term_id: int, *, body, query) -> dict:
        row = self._attribute_terms(attribute_id).pop(term_id, None)
        if row is None:
            raise WooError(404, "woocommerce_rest_term_invalid", "Resource does not exist.")
        return row

    # -- products ----------------------------------------------------------------------------------

    def _product(self, product_id: int) -> dict:
        row = self.products.get(product_id)
        if row is None:
            raise WooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        return row

    def _create_product(self, *, body, query) -> dict:
        data = self._checker("POST products").body(body, PRODUCT)
        row = {
            "id": next(self._post_ids),
            "name": "",
            "type": "simple",
            "regular_price": "",
            "sale_price": "",
            "description": "",
            "short_description": "",
            "categories": [],
            "attributes": [],
            "stock_status": "instock",
            "sku": "",
            "stock_quantity": None,
            "sold_individually": False,
            "manage_stock": False,
            "backorders": "no",
            "purchase_note": "",
            "menu_order": 0,
            "reviews_allowed": True,
            "upsell_ids": [],
            "cross_sell_ids": [],
            "default_attributes": [],
            "images": [],
            "variations": [],
        }
        self._write_product(row, data)
        self.products[row["id"]] = row
        self.variations[row["id"]] = {}
        return row

    def _get_product(self, product_id: int, *, body, query) -> dict:
        return self._product(product_id)

    def _update_product(self, product_id: int, *, body, query) -> dict:
        row = self._product(product_id)
        data = self._checker(f"PUT products/{product_id}").body(body, PRODUCT)
        self._write_product(row, data)
        return row

    def _write_product(self, row: dict, data: dict) -> None:
        self._take_sku(row, data.get("sku"))
        simple = (
            "name",
            "type",
            "regular_price",
            "sale_price",
            "description",
            "short_description",
            "stock_status",
            "sku",
            "stock_quantity",
            "sold_individually",
            "manage_stock",
            "backorders",
            "purchase_note",
            "menu_order",
            "reviews_allowed",
            "upsell_ids",
            "cross_sell_ids",
        )
        row.update({key: data[key] for key in simple if key in data})
        if "categories" in data:
            # wp_set_object_terms skips a term id that does not exist.
            row["categories"] = [
                {"id": c["id"], "name": self.categories[c["id"]]["name"]}
                for c in data["categories"]
                if c.get("id") in self.categories
            ]
        if "attributes" in data:
            row["attributes"] = [
                self._product_attribute(attribute) for attribute in data["attributes"]
            ]
            row["attributes"] = [attribute for attribute in row["attributes"] if attribute]
        if "default_attributes" in data:
            row["default_attributes"] = data["default_attributes"]
        if "images" in data:
            row["images"] = [self._image(image) for image in data["images"]]
            row["images"] = [image for image in row["images"] if image]

    def _product_attribute(self, attribute: dict) -> dict | None:
        """A global attribute by id, as WooCommerce keeps it; an unknown id is dropped (the
        attribute's taxonomy name is empty, so WooCommerce skips it)."""
        known = self.attributes.get(attribute.get("id"))
        if known is None:
            self.warnings.append(f"product attribute id {attribute.get('id')} is not in the shop")
            return None
        options = list(attribute.get("options", []))
        term_names = {term["name"] for term in self.terms[known["id"]].values()}
        unknown = [option for option in options if option not in term_names]
        if unknown:
            # wp_set_object_terms would create these terms behind the plugin's back.
            self.warnings.append(f"options {unknown} are not terms of attribute {known['name']!r}")
        return {
            "id": known["id"],
            "name": known["name"],
            "position": attribute.get("position", 0),
            "visible": attribute.get("visible", False),
            "variation": attribute.get("variation", False),
            "options": options,
        }

    def _take_sku(self, row: dict, sku: str | None) -> None:
        """Give `row` this SKU (None: no change); a SKU another product or variation of the
        shop has is refused, as WooCommerce refuses it."""
        if sku is None:
            return
        owner = self._sku_owners.get(sku) if sku else None
        if owner is not None and owner != row["id"]:
            raise WooError(400, "product_invalid_sku", "Invalid or duplicated SKU.")
        self._release_sku(row)
        if sku:
            self._sku_owners[sku] = row["id"]

    def _release_sku(self, row: dict) -> None:
        if row["sku"] and self._sku_owners.get(row["sku"]) == row["id"]:
            del self._sku_owners[row["sku"]]

    def _image(self, image: dict) -> dict | None:
        """An uploaded picture: WooCommerce downloads `src` and names the attachment `name` (or
        after the file); `{"id": 0}` or an empty `src` removes the picture."""
        if not image.get("src"):
            return None
        name = image.get("name") or image["src"].rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return {
            "id": next(self._post_ids),
            "src": image["src"],
            "name": name,
            "alt": image.get("alt", ""),
        }

    def _delete_product(self, product_id: int, *, body, query) -> dict:
        row = self._product(product_id)
        del self.products[product_id]
        for variation in self.variations.pop(product_id, {}).values():
            self._release_sku(variation)
        self._release_sku(row)
        return row

    # -- variations --------------------------------------------------------------------------------

    def _list_variations(self, product_id: int, *, body, query) -> list[dict]:
        self._product(product_id)
        rows = sorted(
            self.variations[product_id].values(), key=lambda row: (row["menu_order"], row["id"])
        )
        return _page(rows, query)

    def _create_variation(self, product_id: int, *, body, query) -> dict:
        parent = self._product(product_id)
        data = self._checker(f"POST products/{product_id}/variations").body(body, VARIATION)
        row = {
            "id": next(self._post_ids),
            "parent_id": product_id,
            "regular_price": "",
            "sale_price": "",
            "description": "",
            "attributes": [],
            "stock_status": "instock",
            "sku": "",
            "stock_quantity": None,
            "manage_stock": False,
            "backorders": "no",
            "menu_order": 0,
            "image": None,
        }
        self._write_variation(row, data)
        self.variations[product_id][row["id"]] = row
        parent["variations"].append(row["id"])
        return row

    def _update_variation(self, product_id: int, variation_id: int, *, body, query) -> dict:
        self._product(product_id)
        row = self.variations[product_id].get(variation_id)
        if row is None:
            raise WooError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
        data = self._checker(f"PUT products/{product_id}/variations/{variation_id}").body(
            body, VARIATION
        )
        self._write_variation(row, data)
        return row

    def _write_variation(self, row: dict, data: dict) -> None:
        self._take_sku(row, data.get("sku"))
        simple = (
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
        row.update({key: data[key] for key in simple if key in data})
        if "attributes" in data:
            row["attributes"] = []
            for attribute in data["attributes"]:
                known = self.attributes.get(attribute.get("id"))
                if known is None:
                    self.warnings.append(
                        f"variation attribute id {attribute.get('id')} is not in the shop"
                    )
                    continue
                row["attributes"].append(
                    {
                        "id": known["id"],
                        "name": known["name"],
                        "option": attribute.get("option", ""),
                    }
                )
        if "image" in data:
            row["image"] = self._image(data["image"])

    def _delete_variation(self, product_id: int, variation_id: int, *, body, query) -> dict:
        parent = self._product(product_id)
        row = self.variations[product_id].pop(variation_id, None)
        if row is None:
            raise WooError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
        self._release_sku(row)
        parent["variations"].remove(variation_id)
        return row

    # -- orders ----------------------------------------------------------------------------------

    def add_order(self, order: Mapping[str, Any] | None = None, **fields: Any) -> dict:
        """Place an order: `order` (WooCommerce's JSON of one order) updated with `fields`,
        kept as given. Without an `id` it gets the next post id (and that `number`); without a
        `date_created_gmt`, now (UTC, whole seconds). Returns the stored order."""
        row = json.loads(json.dumps({**(order or {}), **fields}))
        if row.get("id") is None:
            row["id"] = next(self._post_ids)
            row.setdefault("number", str(row["id"]))
        if "date_created_gmt" not in row:
            row["date_created_gmt"] = datetime.now(UTC).strftime(WOO_DATE_FORMAT)
        row.setdefault("date_created", row["date_created_gmt"])
        row.setdefault("status", "processing")
        self.orders[row["id"]] = row
        return row

    def _list_orders(self, *, body, query) -> list[dict]:
        """`GET orders`: every order but the trashed ones (status `any`), created strictly after
        `after` when given (WordPress compares whole seconds; with `dates_are_gmt` on
        date_created_gmt, else on the shop's local date_created), newest first (ties: the higher
        id first), `per_page` (default 10) a page."""
        column = "date_created_gmt" if _php_true(query.get("dates_are_gmt")) else "date_created"
        after = _rest_date(query["after"], "after") if "after" in query else None
        rows = [
            row
            for row in self.orders.values()
            if row.get("status") != "trash"
            and (after is None or (_woo_date(row.get(column)) or datetime.min) > after)
        ]
        rows.sort(key=lambda row: (_woo_date(row.get(column)) or datetime.min, row["id"]))
        return _page(list(reversed(rows)), query)

    # -- what the shop shows (for tests) -----------------------------------------------------------

    def category_path(self, category_id: int) -> str:
        """ "Clothing > Hoodies" for a category id of the shop."""
        names, current = [], category_id
        while current:
            row = self.categories[current]
            names.append(row["name"])
            current = row["parent"]
        return " > ".join(reversed(names))

    def category_paths(self) -> set[str]:
        return {
            self.category_path(key) for key in self.categories if key != self.default_product_cat
        }

    def product_by_sku(self, sku: str) -> dict:
        found = [row for row in self.products.values() if row["sku"] == sku]
        assert len(found) == 1, f"{len(found)} products with SKU {sku!r} in the shop"
        return found[0]

    def variation_by_sku(self, sku: str) -> dict:
        found = [
            row for rows in self.variations.values() for row in rows.values() if row["sku"] == sku
        ]
        assert len(found) == 1, f"{len(found)} variations with SKU {sku!r} in the shop"
        return found[0]

    def attribute_by_name(self, name: str) -> dict:
        found = [row for row in self.attributes.values() if row["name"] == name]
        assert len(found) == 1, f"{len(found)} attributes named {name!r} in the shop"
        return found[0]

    def term_names(self, attribute_id: int) -> set[str]:
        return {row["name"] for row in self.terms[attribute_id].values()}

    def all_variations(self) -> list[dict]:
        return [row for rows in self.variations.values() for row in rows.values()]


def _rest_date(text: object, name: str) -> datetime:
    """A `date-time` REST parameter as WordPress reads it: rest_parse_date's pattern, else 400
    rest_invalid_param. An offset moves it to UTC; the fraction is dropped (whole seconds)."""
    match = REST_DATE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise WooError(400, "rest_invalid_param", f"Invalid parameter(s): {name} (Invalid date.)")
    day, time_of_day, offset = match.groups()
    moment = datetime.fromisoformat(f"{day}T{time_of_day}{_iso_offset(offset)}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _iso_offset(offset: str | None) -> str:
    if not offset:
        return ""
    if offset in ("Z", "z"):
        return "+00:00"
    return offset if len(offset) != 5 else f"{offset[:3]}:{offset[3:]}"


def _woo_date(text: object) -> datetime | None:
    """An order's date as WooCommerce stores it (`2023-08-19T16:11:48`), None when absent or
    unreadable (such an order is never "after" anything)."""
    try:
        return datetime.strptime(text[:19], WOO_DATE_FORMAT)  # type: ignore[index]
    except (TypeError, ValueError):
        return None


def _php_true(value: object) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes"}


def _page(rows: list[dict], query: Mapping) -> list[dict]:
    per_page = int(query.get("per_page", DEFAULT_PER_PAGE))
    page = int(query.get("page", 1))
    return rows[(page - 1) * per_page : page * per_page]


def _slugify(text: str) -> str:
    """sanitize_title, near enough: lower case, runs of other characters become one hyphen
    (letters of any script are kept, as WordPress keeps them percent-encoded)."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-_") or "term"


def _unique_slug(slug: str, taken: set[str]) -> str:
    """wp_unique_term_slug: a taken slug gets -2, -3, ..."""
    if slug not in taken:
        return slug
    for number in itertools.count(2):
        candidate = f"{slug}-{number}"
        if candidate not in taken:
            return candidate
    raise AssertionError  # itertools.count never ends
