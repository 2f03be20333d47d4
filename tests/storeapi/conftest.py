"""Fixtures for the store API: a store (tests/stores/conftest.py), a client that plays the
plugin, and a small catalog with prices, stock, images and a variation."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from backroom.catalog.models import (
    Attribute,
    Category,
    DefaultAttribute,
    Image,
    Product,
    ProductAttribute,
    ProductImage,
    ProductPrice,
    Term,
    VariationAttribute,
)
from backroom.inventory.services import set_on_hand
from tests.stores import conftest as stores_fixtures

store_input = stores_fixtures.store_input
created = stores_fixtures.created
store = stores_fixtures.store

STORE_ADDRESS = "203.0.113.5"
"""The address the `store` fixture allows (with 2001:db8::/32)."""
BASE = "/api/public/woo_v3"


class Plugin:
    """Calls the store API as the DokioStore plugin does: the key in `?key=` on GETs and in
    `crmSecretKey` in JSON bodies, from the store's address unless told otherwise."""

    def __init__(self, key: str, address: str = STORE_ADDRESS):
        self.key = key
        self.address = address
        self.client = Client()

    def get(self, endpoint: str, *, key: str | None = None, address: str | None = None, **params):
        query = {"key": self.key if key is None else key, **params}
        return self.client.get(f"{BASE}/{endpoint}", query, REMOTE_ADDR=address or self.address)

    def post(
        self,
        endpoint: str,
        ids: object = (),
        *,
        key: str | None = None,
        address: str | None = None,
        body: bytes | None = None,
        **headers,
    ):
        if body is None:
            payload = {"crmSecretKey": self.key if key is None else key, "idsSet": list(ids)}
            body = json.dumps(payload).replace("/", "\\/").encode()
        return self.client.generic(
            "POST",
            f"{BASE}/{endpoint}",
            body,
            content_type="application/json",
            REMOTE_ADDR=address or self.address,
            **headers,
        )

    def report(self, endpoint: str, pairs: dict[int, int]):
        """Post {crm id: woo id} as the plugin's idsSet."""
        return self.post(endpoint, [{"id": woo, "crm_id": crm} for crm, woo in pairs.items()])


@pytest.fixture
def key(created) -> str:
    return created[1]


@pytest.fixture
def plugin(key) -> Plugin:
    return Plugin(key)


@pytest.fixture
def shop(company, store, retail, sale, warehouse, shop_floor):
    """What `store` carries: Clothing > T-shirts (store categories; Misc is not one), a simple
    Hoodie in Clothing (45.00, sale 39.90, 7.5 + 2 in stock), a variable Tee in T-shirts
    (20.00, "sale" 25.00 which is not lower) with the variation Tee red (20.00, sale 18.00, 3 in
    stock), the attribute Colour (Red, Blue) linked to the store, and Size, not linked."""
    picture = Image.objects.create(
        company=company,
        source_url="https://img.example/clothing.jpg",
        original_name="clothing.jpg",
        alt="Clothes",
    )
    clothing = Category.objects.create(
        company=company,
        name="Clothing",
        slug="clothing",
        description="All clothes",
        display="products",
        menu_order=1,
        image=picture,
        is_store_category=True,
    )
    tshirts = Category.objects.create(
        company=company, name="T-shirts", slug="t-shirts", parent=clothing, is_store_category=True
    )
    misc = Category.objects.create(company=company, name="Misc", is_store_category=False)
    colour = Attribute.objects.create(company=company, name="Colour", slug="colour")
    red = Term.objects.create(attribute=colour, name="Red", slug="red", menu_order=0)
    blue = Term.objects.create(attribute=colour, name="Blue", slug="blue", menu_order=1)
    size = Attribute.objects.create(company=company, name="Size", slug="size")
    medium = Term.objects.create(attribute=size, name="M", slug="m")
    hoodie = Product.objects.create(
        company=company,
        name="Hoodie",
        sku="HOOD-1",
        description="Warm & soft",
        short_description="Warm",
        manage_stock=True,
        purchase_note="Thanks!",
        menu_order=2,
    )
    hoodie.categories.add(clothing, misc)
    hoodie_picture = Image.objects.create(
        company=company,
        source_url="https://img.example/hoodie.png",
        original_name="hoodie.png",
        alt="A hoodie",
    )
    ProductImage.objects.create(product=hoodie, image=hoodie_picture, position=0)
    tee = Product.objects.create(
        company=company, name="Tee", sku="TEE", type=Product.Type.VARIABLE, reviews_allowed=False
    )
    tee.categories.add(tshirts)
    tee_colour = ProductAttribute.objects.create(
        product=tee, attribute=colour, position=0, visible=True, used_for_variations=True
    )
    tee_colour.terms.add(red, blue)
    DefaultAttribute.objects.create(product=tee, attribute=colour, term=red)
    tee_red = Product.objects.create(
        company=company,
        name="Tee red",
        sku="TEE-R",
        type=Product.Type.VARIATION,
        parent=tee,
        manage_stock=True,
    )
    VariationAttribute.objects.create(variation=tee_red, attribute=colour, term=red)
    for product, regular, reduced in (
        (hoodie, "45.00", "39.90"),
        (tee, "20.00", "25.00"),
        (tee_red, "20.00", "18.00"),
    ):
        ProductPrice.objects.create(product=product, price_type=retail, value=Decimal(regular))
        ProductPrice.objects.create(product=product, price_type=sale, value=Decimal(reduced))
    set_on_hand(department=warehouse, quantities={hoodie: Decimal("7.5"), tee_red: Decimal(3)})
    set_on_hand(department=shop_floor, quantities={hoodie: Decimal(2)})
    store.categories.add(clothing, tshirts, misc)
    store.attributes.add(colour)
    return {
        "clothing": clothing,
        "tshirts": tshirts,
        "misc": misc,
        "colour": colour,
        "red": red,
        "blue": blue,
        "size": size,
        "medium": medium,
        "hoodie": hoodie,
        "tee": tee,
        "tee_red": tee_red,
    }


def assert_json(actual: object, expected: object, path: str = "$") -> None:
    """`actual` equals `expected` with the same JSON types everywhere (Python's 1 == True
    and 1 == 1.0 would hide a boolean sent as a number, or a price sent as a number)."""
    assert type(actual) is type(expected), f"{path}: {actual!r} is not like {expected!r}"
    if isinstance(expected, dict):
        assert list(actual) == list(expected), f"{path}: keys {list(actual)}"
        for name, value in expected.items():
            assert_json(actual[name], value, f"{path}.{name}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{path}: {actual!r}"
        for index, (got, wanted) in enumerate(zip(actual, expected, strict=True)):
            assert_json(got, wanted, f"{path}[{index}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def body_json(response) -> object:
    """The response's JSON, after checking what the plugin's json_decode needs: HTTP 200,
    application/json, UTF-8 without a BOM."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    return json.loads(response.content.decode("utf-8"))
