"""The cell parsers of the WooCommerce CSV import, by example and by property."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backroom.catalog.importers.woocommerce_fields import (
    FieldError,
    Reference,
    clean_cell,
    decode_description,
    html_to_text,
    parse_backorders,
    parse_bool,
    parse_category_paths,
    parse_decimal,
    parse_int,
    parse_published,
    parse_references,
    parse_stock_status,
    parse_type,
    split_list,
)

MONEY = {"places": 2, "max_digits": 14}


def export_list(items: list[str]) -> str:
    """How WooCommerce's exporter writes a list (WC_CSV_Exporter::implode_values)."""
    return ", ".join(item.replace(",", "\\,") for item in items)


def export_description(text: str) -> str:
    """How WooCommerce's exporter writes a description (filter_description_field)."""
    return text.replace("\\n", "\\\\n").replace("\n", "\\n")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("18", "18.00"),
        (".5", "0.50"),
        ("12.", "12.00"),
        (" 7.10 ", "7.10"),
        ("", None),
        ("0012.300", "12.30"),
    ],
)
def test_decimals(raw, value):
    assert parse_decimal(raw, **MONEY) == (Decimal(value) if value else None)


def test_only_the_formula_guard_loses_its_quote():
    with pytest.raises(FieldError, match="'3' is not a number"):
        parse_decimal("'3", **MONEY)


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False))
def test_decimals_round_trip(value):
    assert parse_decimal(str(value), **MONEY) == value
    assert parse_decimal(f"{value:f}", **MONEY) == value


@given(st.text(max_size=60))
def test_any_text_is_a_valid_decimal_or_a_field_error(text):
    try:
        value = parse_decimal(text, **MONEY)
    except FieldError as error:
        assert str(error)
        return
    if value is not None:
        assert value.is_finite() and value >= 0
        assert value == value.quantize(Decimal("0.01"))
        assert value < Decimal(10) ** 12


@given(st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_integers_round_trip(number):
    assert parse_int(str(number)) == number


@given(st.text(max_size=30))
def test_any_text_is_an_integer_or_a_field_error(text):
    try:
        value = parse_int(text)
    except FieldError:
        return
    assert value is None or isinstance(value, int)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("0", False),
        ("YES", True),
        ("no", False),
        (" True ", True),
        ("false", False),
        ("", None),
    ],
)
def test_booleans(raw, value):
    assert parse_bool(raw) is value


@given(st.text(max_size=10))
def test_any_text_is_a_boolean_or_a_field_error(text):
    try:
        value = parse_bool(text)
    except FieldError:
        assert text.strip().lower() not in {"1", "0", "yes", "no", "true", "false", ""}
        return
    assert value in {True, False, None}


def test_stock_status_backorders_published():
    assert [parse_stock_status(v) for v in ("1", "0", "backorder", "")] == [
        "instock",
        "outofstock",
        "onbackorder",
        None,
    ]
    assert [parse_backorders(v) for v in ("1", "0", "notify", "")] == ["yes", "no", "notify", None]
    assert [parse_published(v) for v in ("1", "0", "-1", "'-1", "true", "")] == [
        True,
        False,
        False,
        False,
        True,
        None,
    ]


items = st.lists(
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\\\x00\r"), min_size=1
    ).filter(lambda item: item.strip() == item and item),
    max_size=6,
)


@given(items)
def test_lists_round_trip_through_the_exporters_escaping(values):
    assert split_list(export_list(values)) == [value for value in values if value.strip()]


def test_lists():
    assert split_list("Blue, Green,Red ,, ") == ["Blue", "Green", "Red"]
    assert split_list("Shoes\\, boots, Hats") == ["Shoes, boots", "Hats"]
    assert split_list("back\\slash") == ["back\\slash"]
    assert split_list("") == []


names = st.text(
    st.characters(blacklist_categories=("Cs", "Zs", "Cc"), blacklist_characters=",>\\"),
    min_size=1,
    max_size=12,
)


@given(st.lists(st.lists(names, min_size=1, max_size=4), min_size=1, max_size=4))
def test_category_paths_round_trip(paths):
    text = ", ".join(" > ".join(path) for path in paths)
    expected = list(dict.fromkeys(tuple(path) for path in paths))
    assert parse_category_paths(text) == expected


def test_category_paths():
    assert parse_category_paths("Clothing > Tshirts, Music") == [
        ("Clothing", "Tshirts"),
        ("Music",),
    ]
    assert parse_category_paths("A\\, B > C") == [("A, B", "C")]
    with pytest.raises(FieldError):
        parse_category_paths("A >")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("simple", "simple"),
        ("simple, downloadable, virtual", "simple"),
        ("virtual", "simple"),
        ("", "simple"),
        ("Variation", "variation"),
        ("grouped", "grouped"),
        ("external", "external"),
    ],
)
def test_types(raw, kind):
    assert parse_type(raw) == kind


def test_references():
    assert parse_references("woo-tshirt, id:45, ID: 7, woo-tshirt") == [
        Reference(sku="woo-tshirt"),
        Reference(file_id=45),
        Reference(file_id=7),
    ]
    assert [reference.key for reference in parse_references("a, id:1")] == ["sku:a", "id:1"]


def test_formula_guard():
    assert [clean_cell(v) for v in ("'=1+1", "'-5", "'@x", "'plain", " a\r\nb ")] == [
        "=1+1",
        "-5",
        "@x",
        "'plain",
        "a\nb",
    ]


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_descriptions_round_trip_through_the_exporters_escaping(text):
    text = text.replace("\r", "").strip()
    assert decode_description(export_description(text)) == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two &amp; three</p>", "One\nTwo & three"),
        ("Line<br/>Next<br>Last", "Line\nNext\nLast"),
        ("<ul><li>A</li><li>B</li></ul>", "A\nB"),
        ("a < b > c", "a < b > c"),
        ("<<<<", "<<<<"),
        ("plain", "plain"),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


@given(st.text(alphabet="<>/ap &;#x\n", max_size=200))
def test_html_to_text_never_fails_and_leaves_no_tags(html):
    text = html_to_text(html)
    assert "<p>" not in text and "</p>" not in text
