"""wire.py: the reply models refuse what the plugin or WooCommerce would choke on, so a wrong
type fails here (a clean 500, journaled) and not in a shop; the request readers."""

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from backroom.storeapi.woo_v3 import views, wire
from backroom.stores import feed
from backroom.stores.models import CallError, CallJournal

IMAGE = feed.ImageOut(img_address=None, img_original_name=None, img_alt=None)
PRODUCT = feed.ProductOut(
    crm_id=1,
    woo_id=None,
    name="Mug",
    slug=None,
    type="simple",
    regular_price="12.50",
    sale_price="",
    description="",
    short_description="",
    stock_status="instock",
    sku="MUG",
    stock_quantity=3,
    sold_individually=False,
    manage_stock=True,
    backorders="no",
    purchase_note="",
    menu_order=0,
    reviews_allowed=True,
    categories=[57],
    images=[IMAGE],
    attributes=[
        feed.ProductAttributeOut(
            crm_id=1, woo_id=3, position=0, visible=True, variation=False, options=["Red"]
        )
    ],
    defaultAttributes=[],
    upsells=[],
    crosssells=[],
    variations_woo_ids=[],
)


def test_a_well_typed_product_passes_unchanged():
    reply = wire.ProductsReply(products=[wire.ProductWire.model_validate(PRODUCT)])

    assert json.loads(reply.model_dump_json())["products"][0] == dataclasses.asdict(PRODUCT)


@pytest.mark.parametrize(
    "change",
    [
        {"regular_price": 12.5},  # a number: WooCommerce says "not of type string"
        {"regular_price": "12,50"},
        {"regular_price": "-1.00"},
        {"sale_price": None},
        {"crm_id": "1"},
        {"woo_id": True},
        {"stock_quantity": 2.0},
        {"stock_quantity": -1},
        {"manage_stock": 1},
        {"reviews_allowed": "true"},
        {"categories": None},
        {"categories": [57, None]},  # a null in a list that goes on to WooCommerce
        {"upsells": (1,)},
        {"images": None},
        {"stock_status": "available"},
        {"backorders": "maybe"},
        {"type": "variation"},
        {"slug": "mug"},
    ],
)
def test_a_wrong_type_is_refused(change):
    with pytest.raises(ValidationError):
        wire.ProductWire.model_validate(dataclasses.replace(PRODUCT, **change))


def test_the_gate_needs_a_real_boolean():
    with pytest.raises(ValidationError):
        wire.SyncGateReply(is_sync_allowed="false", reason="")
    with pytest.raises(ValidationError):
        wire.SyncGateReply(is_sync_allowed=0, reason="")


def test_a_variation_needs_its_parents_id_and_an_image_object():
    variation = feed.VariationOut(
        **{
            name: getattr(PRODUCT, name)
            for name in (
                "crm_id woo_id name slug regular_price sale_price description short_description "
                "stock_status sku stock_quantity sold_individually manage_stock backorders "
                "purchase_note menu_order reviews_allowed"
            ).split()
        },
        image=IMAGE,
        parent_product_woo_id=311,
        listOfVariationAttributes=[feed.VariationAttributeOut(id=3, option="Red")],
    )
    wire.VariationWire.model_validate(variation)
    for change in ({"parent_product_woo_id": None}, {"image": None}):
        with pytest.raises(ValidationError):
            wire.VariationWire.model_validate(dataclasses.replace(variation, **change))


def test_a_feed_bug_is_a_clean_500_and_journaled(plugin, store, monkeypatch):
    def broken_page(**_):
        return [dataclasses.replace(PRODUCT, regular_price=12.5)]

    monkeypatch.setattr(views.feed, "products_page", broken_page)

    response = plugin.get("syncProductsToStore", first_result="0", max_results="100")

    assert (response.status_code, response["Content-Type"]) == (500, "text/plain; charset=utf-8")
    assert response.content.decode() == views.SERVER_ERROR
    assert CallError.objects.get(store=store).message == views.JOURNAL_SERVER_ERROR
    assert CallJournal.objects.get(store=store).failures == 1


# -- requests --------------------------------------------------------------------------------------


@given(st.integers(min_value=wire.ID_MIN, max_value=wire.ID_MAX))
def test_ids_as_numbers_and_numeric_strings_are_the_same(number):
    pairs = [{"id": number, "crm_id": str(number)}, {"id": f" {number} ", "crm_id": float(1)}]

    report = wire.read_report({"idsSet": pairs}, wire.PairsReport)

    assert report.pairs() == [(number, number), (number, 1)]


@given(st.text(max_size=25))
def test_text_ids_are_read_or_refused_cleanly(text):
    try:
        report = wire.read_report({"idsSet": [text]}, wire.WooIdsReport)
    except wire.WireError as error:
        assert str(error).startswith("The request body has the wrong shape: idsSet[0]: ")
    else:
        assert report.idsSet == [int(text.strip(" \t\n\r"))]


@given(st.binary(max_size=200))
def test_any_bytes_are_a_json_object_or_a_clean_error(raw):
    try:
        body = wire.parse_body(raw)
    except wire.WireError as error:
        assert str(error) in (
            "The request body is not valid JSON.",
            "The request body must be a JSON object.",
        )
    else:
        assert isinstance(body, dict)


def test_the_wrong_shape_message_never_echoes_the_input():
    secret = "<script>alert(1)</script>"
    with pytest.raises(wire.WireError) as refused:
        wire.read_report({"idsSet": [{"id": secret, "crm_id": secret}]}, wire.PairsReport)

    assert secret not in str(refused.value)


@given(st.integers(min_value=0, max_value=10**9 - 1), st.integers(min_value=0, max_value=500))
def test_pages_read_plain_numbers(first, size):
    page = wire.read_page({"first_result": [str(first)], "max_results": [str(size)]})

    assert (page.first_result, page.max_results) == (first, size)
