"""The JSON types the plugin and WooCommerce need (protocol notes, section 6), checked item by
item on what Backroom sent: every problem as one line, so a failing test names the item and
the field."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.storeapi.plugin_client import Cycle, every_item

PRICE = re.compile(r"(0|[1-9]\d*)\.\d{2}")
STOCK_STATUSES = {"instock", "outofstock", "onbackorder"}
BACKORDERS = {"no", "notify", "yes"}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ints(value: object) -> bool:
    return isinstance(value, list) and all(_is_int(item) for item in value)


def _common_problems(item: dict) -> list[str]:
    problems = []
    for name in ("regular_price", "sale_price"):
        value = item.get(name)
        if not isinstance(value, str) or (value and not PRICE.fullmatch(value)):
            problems.append(f"{name} is {value!r}, not a price string")
    regular, sale = item.get("regular_price"), item.get("sale_price")
    priced = isinstance(regular, str) and PRICE.fullmatch(regular)
    if isinstance(sale, str) and PRICE.fullmatch(sale):
        if not (priced and Decimal(sale) < Decimal(regular)):
            problems.append(f"sale_price {sale!r} without a higher regular_price {regular!r}")
    stock = item.get("stock_quantity")
    if not _is_int(stock) or stock < 0:
        problems.append(f"stock_quantity is {stock!r}, not an integer >= 0")
    for name in ("crm_id", "menu_order"):
        if not _is_int(item.get(name)):
            problems.append(f"{name} is {item.get(name)!r}, not an integer")
    if item.get("woo_id") is not None and not _is_int(item.get("woo_id")):
        problems.append(f"woo_id is {item.get('woo_id')!r}")
    for name in ("name", "description", "short_description", "sku", "purchase_note"):
        if not isinstance(item.get(name), str):
            problems.append(f"{name} is {item.get(name)!r}, not a string")
    for name in ("manage_stock", "sold_individually", "reviews_allowed"):
        if not isinstance(item.get(name), bool):
            problems.append(f"{name} is {item.get(name)!r}, not a boolean")
    if item.get("stock_status") not in STOCK_STATUSES:
        problems.append(f"stock_status is {item.get('stock_status')!r}")
    if item.get("backorders") not in BACKORDERS:
        problems.append(f"backorders is {item.get('backorders')!r}")
    return problems


def _image_problems(image: object, *, nullable: bool) -> list[str]:
    if not isinstance(image, dict):
        return [f"image {image!r} is not an object"]
    problems = []
    address = image.get("img_address")
    if address is None and nullable:
        return []
    if not isinstance(address, str) or not re.match(r"https?://", address):
        problems.append(f"img_address {address!r} is not an absolute URL")
    for name in ("img_original_name", "img_alt"):
        if not isinstance(image.get(name), str):
            problems.append(f"{name} is {image.get(name)!r}, not a string")
    return problems


def product_problems(item: dict) -> list[str]:
    problems = _common_problems(item)
    if item.get("type") not in {"simple", "variable"}:
        problems.append(f"type is {item.get('type')!r}")
    for name in ("categories", "upsells", "crosssells", "variations_woo_ids"):
        if not _ints(item.get(name)):
            problems.append(f"{name} is {item.get(name)!r}, not a list of integers")
    images = item.get("images")
    if not isinstance(images, list):
        problems.append(f"images is {images!r}, not a list")
    else:
        for image in images:
            problems += _image_problems(image, nullable=False)
    attributes = item.get("attributes")
    if not isinstance(attributes, list):
        problems.append(f"attributes is {attributes!r}, not a list")
    else:
        for attribute in attributes:
            if not (
                _is_int(attribute.get("woo_id"))
                and _is_int(attribute.get("position"))
                and isinstance(attribute.get("visible"), bool)
                and isinstance(attribute.get("variation"), bool)
                and isinstance(attribute.get("options"), list)
                and all(isinstance(option, str) for option in attribute["options"])
            ):
                problems.append(f"attribute {attribute!r} has a wrong type")
    defaults = item.get("defaultAttributes")
    if not isinstance(defaults, list):
        problems.append(f"defaultAttributes is {defaults!r}, not a list")
    else:
        for default in defaults:
            if not (
                _is_int(default.get("woo_attribute_id"))
                and isinstance(default.get("name"), str)
                and isinstance(default.get("option"), str)
            ):
                problems.append(f"default attribute {default!r} has a wrong type")
    return problems


def variation_problems(item: dict) -> list[str]:
    problems = _common_problems(item)
    if not _is_int(item.get("parent_product_woo_id")):
        problems.append(f"parent_product_woo_id is {item.get('parent_product_woo_id')!r}")
    problems += _image_problems(item.get("image"), nullable=True)
    attributes = item.get("listOfVariationAttributes")
    if not isinstance(attributes, list):
        problems.append(f"listOfVariationAttributes is {attributes!r}, not a list")
    else:
        for attribute in attributes:
            if not (_is_int(attribute.get("id")) and isinstance(attribute.get("option"), str)):
                problems.append(f"variation attribute {attribute!r} has a wrong type")
    return problems


def wire_problems(cycle: Cycle) -> list[str]:
    """Every type problem in every product and variation of every page of the cycle."""
    problems = []
    for step, check in (("products", product_problems), ("variations", variation_problems)):
        for page, item in every_item(cycle, step):
            problems += [
                f"{step} page {page} crm_id {item.get('crm_id')}: {problem}"
                for problem in check(item)
            ]
    return problems
