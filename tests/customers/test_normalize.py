"""The matching keys: properties that must hold for any text, and exact values for real formats."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from backroom.customers.normalize import clean_json, clean_text, normalize_email, normalize_phone

REGIONS = st.sampled_from([None, "", "GB", "gb", "DE", "US", "BR", "XX", "GBR", "1"])
# Texts that look like phone numbers: digits (also non-ASCII ones), separators, letters, pluses.
PHONE_LIKE = st.text(alphabet=st.sampled_from("0123456789０١۲+-(). /xext#*\t\u00a0Aa"), max_size=40)
EMAIL_LIKE = st.builds(
    lambda local, domain, pad: f"{pad}{local}@{domain}{pad}",
    st.text(min_size=1, max_size=20),
    st.text(min_size=1, max_size=20),
    st.sampled_from(["", " ", "\t", "\u00a0", "\u200b"]),
)


@given(st.one_of(st.text(), EMAIL_LIKE, st.none()))
@example("ß@Straße.de")
@example("İ@x.com")
@example("ﬁ@x.com")
@example("\x00ann@x.com")
@example("a@b\ud800")
def test_email_is_idempotent_and_never_raises(raw):
    once = normalize_email(raw)
    assert normalize_email(once) == once
    assert len(once) <= 320
    assert once == "" or once.count("@") == 1


@given(st.one_of(st.text(), PHONE_LIKE, st.none()), REGIONS)
@example("+44 7700 900123\x00", "GB")
@example("٠٧٧٠٠ ٩٠٠١٢٣", "GB")
@example("+" + "9" * 100, None)
@example("tel:+1-415-555-2671", None)
def test_phone_is_idempotent_and_never_raises(raw, region):
    once = normalize_phone(raw, region=region)
    assert normalize_phone(once, region=region) == once
    # E.164 does not depend on the region it was read in.
    assert normalize_phone(once, region=None) == once
    assert once == "" or (once[0] == "+" and once[1:].isascii() and once[1:].isdigit())
    assert len(once) <= 16


@given(st.text())
def test_clean_text_is_idempotent_and_storable(raw):
    once = clean_text(raw)
    assert clean_text(once) == once
    assert "\x00" not in once
    once.encode("utf-8")  # no lone surrogates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ann.Smith@Example.COM ", "ann.smith@example.com"),
        ("ann.smith@example.com", "ann.smith@example.com"),
        ("Ann Smith@Example.com", "annsmith@example.com"),
        ("\u200bann@example.com\u00a0", "ann@example.com"),
        ("ＡＮＮ＠ＥＸＡＭＰＬＥ.ＣＯＭ", "ann@example.com"),
        ("Jürgen@Müller.DE", "jürgen@müller.de"),
        ("STRASSE@x.de", "strasse@x.de"),
        ("Straße@x.de", "strasse@x.de"),
        ("ann@", ""),
        ("@example.com", ""),
        ("ann@@example.com", ""),
        ("ann.example.com", ""),
        ("a@b@c", ""),
        ("", ""),
        (None, ""),
        ("ann\x00@example.com", ""),
        ("a" * 400 + "@example.com", ""),
    ],
)
def test_email_values(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        # Great Britain
        ("07700 900123", "GB", "+447700900123"),
        ("07700-900-123", "gb", "+447700900123"),
        ("(020) 7946 0018", "GB", "+442079460018"),
        ("+44 (0)20 7946 0018", None, "+442079460018"),
        ("0044 20 7946 0018", "GB", "+442079460018"),
        ("+447700900123", "US", "+447700900123"),
        ("020 7946 0018", None, ""),
        # Germany
        ("030 12345678", "DE", "+493012345678"),
        ("+49 (30) 123-456-78", None, "+493012345678"),
        ("0049 30 12345678", "DE", "+493012345678"),
        ("01512 3456789", "DE", "+4915123456789"),
        # United States
        ("(415) 555-2671", "US", "+14155552671"),
        ("1-415-555-2671", "US", "+14155552671"),
        ("+1 415.555.2671", None, "+14155552671"),
        ("415 555 2671 ext. 12", "US", "+14155552671"),
        ("(415) 555-2671", None, ""),
        # Brazil
        ("(11) 91234-5678", "BR", "+5511912345678"),
        ("+55 11 91234-5678", None, "+5511912345678"),
        ("011 91234 5678", "BR", "+5511912345678"),
        # Not phone numbers
        ("", "GB", ""),
        (None, "GB", ""),
        ("abc", "GB", ""),
        ("+", None, ""),
        ("12", "GB", ""),
        ("07700 900123", "XX", ""),
        ("07700 900123", "GBR", ""),
        ("0" * 65, "GB", ""),
    ],
)
def test_phone_values(raw, region, expected):
    assert normalize_phone(raw, region=region) == expected


def test_clean_json_cleans_at_any_depth():
    assert clean_json({"a\x00": [" b\x07 ", {"c": "d\x00"}], "n": 1, "t": True, "z": None}) == {
        "a": ["b", {"c": "d"}],
        "n": 1,
        "t": True,
        "z": None,
    }
