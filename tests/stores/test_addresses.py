"""The allow-list parser, the check, and the caller's address behind proxies."""

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from backroom.stores import errors
from backroom.stores.addresses import (
    MAX_ENTRIES,
    MAX_TEXT_LENGTH,
    caller_address,
    is_allowed,
    parse_allowed_addresses,
)


def refused(value) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        parse_allowed_addresses(value)
    return raised.value.messages


# -- parsing: good input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.5", ["203.0.113.5"]),
        ("203.0.113.5\n198.51.100.0/24", ["203.0.113.5", "198.51.100.0/24"]),
        (
            "203.0.113.5,198.51.100.7; 192.0.2.1\t 10.0.0.0/8",
            [
                "203.0.113.5",
                "198.51.100.7",
                "192.0.2.1",
                "10.0.0.0/8",
            ],
        ),
        ("\r\n 203.0.113.5 \r\n\r\n", ["203.0.113.5"]),
        ("2001:DB8:0:0::1", ["2001:db8::1"]),
        ("2001:db8::/32", ["2001:db8::/32"]),
        ("[2001:db8::1]", ["2001:db8::1"]),
        ("::ffff:203.0.113.5", ["203.0.113.5"]),
        ("::FFFF:CB00:7105", ["203.0.113.5"]),
        ("::ffff:198.51.100.0/120", ["198.51.100.0/24"]),
        ("203.0.113.5/32", ["203.0.113.5"]),
        ("2001:db8::1/128", ["2001:db8::1"]),
        ("10.0.0.0/255.0.0.0", ["10.0.0.0/8"]),
        ("10.0.0.0/024", ["10.0.0.0/24"]),
        ("203.0.113.5 203.0.113.5 ::ffff:203.0.113.5 203.0.113.5/32", ["203.0.113.5"]),
        ("127.0.0.1, ::1", ["127.0.0.1", "::1"]),
        ("", []),
        ("  \n , ", []),
        (None, []),
        ([], []),
        (
            ["127.0.0.1", " ::1 ", "10.1.0.0/16, 10.2.0.0/16"],
            [
                "127.0.0.1",
                "::1",
                "10.1.0.0/16",
                "10.2.0.0/16",
            ],
        ),
    ],
)
def test_good_lists(text, expected):
    assert parse_allowed_addresses(text) == expected


def test_widest_ranges_accepted():
    assert parse_allowed_addresses("10.0.0.0/8 2001::/16") == ["10.0.0.0/8", "2001::/16"]


def test_exactly_the_maximum_number_of_entries():
    text = "\n".join(f"10.0.0.{i}" for i in range(MAX_ENTRIES))
    assert len(parse_allowed_addresses(text)) == MAX_ENTRIES


# -- parsing: refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("shop.example.com", errors.ADDRESS_HOSTNAME.format(entry="shop.example.com")),
        ("localhost", errors.ADDRESS_HOSTNAME.format(entry="localhost")),
        ("bücher.de", errors.ADDRESS_HOSTNAME.format(entry="bücher.de")),
        ("1.2.3.4:80", errors.ADDRESS_WITH_PORT.format(entry="1.2.3.4:80", address="1.2.3.4")),
        ("[::1]:443", errors.ADDRESS_WITH_PORT.format(entry="[::1]:443", address="::1")),
        (
            "[::ffff:1.2.3.4]:443",
            errors.ADDRESS_WITH_PORT.format(entry="[::ffff:1.2.3.4]:443", address="1.2.3.4"),
        ),
        ("fe80::1%eth0", errors.ADDRESS_SCOPED.format(entry="fe80::1%eth0")),
        ("fe80::1%1", errors.ADDRESS_SCOPED.format(entry="fe80::1%1")),
        ("fe80::%eth0/64", errors.ADDRESS_SCOPED.format(entry="fe80::%eth0/64")),
        ("[fe80::1%eth0]:80", errors.ADDRESS_SCOPED.format(entry="[fe80::1%eth0]:80")),
        (
            "10.0.0.1/24",
            errors.ADDRESS_HOST_BITS.format(entry="10.0.0.1/24", network="10.0.0.0/24"),
        ),
        (
            "::ffff:1.2.3.4/120",
            errors.ADDRESS_HOST_BITS.format(entry="::ffff:1.2.3.4/120", network="1.2.3.0/24"),
        ),
        ("0.0.0.0/0", errors.ADDRESS_TOO_WIDE.format(entry="0.0.0.0/0", prefix=8)),
        ("128.0.0.0/1", errors.ADDRESS_TOO_WIDE.format(entry="128.0.0.0/1", prefix=8)),
        ("::/0", errors.ADDRESS_TOO_WIDE.format(entry="::/0", prefix=16)),
        ("2000::/3", errors.ADDRESS_TOO_WIDE.format(entry="2000::/3", prefix=16)),
        ("::ffff:0.0.0.0/96", errors.ADDRESS_TOO_WIDE.format(entry="::ffff:0.0.0.0/96", prefix=8)),
        ("0.0.0.0", errors.ADDRESS_UNSPECIFIED.format(entry="0.0.0.0")),  # noqa: S104
        ("::", errors.ADDRESS_UNSPECIFIED.format(entry="::")),
        ("*", errors.ADDRESS_INVALID.format(entry="*")),
        ("any", errors.ADDRESS_HOSTNAME.format(entry="any")),
        ("1.2.3", errors.ADDRESS_INVALID.format(entry="1.2.3")),
        ("256.1.1.1", errors.ADDRESS_INVALID.format(entry="256.1.1.1")),
        ("010.1.1.1", errors.ADDRESS_INVALID.format(entry="010.1.1.1")),
        ("1.2.3.4/33", errors.ADDRESS_INVALID.format(entry="1.2.3.4/33")),
        ("1.2.3.4/-1", errors.ADDRESS_INVALID.format(entry="1.2.3.4/-1")),
        ("1.2.3.4/", errors.ADDRESS_INVALID.format(entry="1.2.3.4/")),
        ("[1.2.3.4]", errors.ADDRESS_INVALID.format(entry="[1.2.3.4]")),
        ("2001:db8:::1", errors.ADDRESS_INVALID.format(entry="2001:db8:::1")),
        ("１.２.３.４", errors.ADDRESS_INVALID.format(entry="１.２.３.４")),
        ("1.2.3.4\x00", errors.ADDRESS_INVALID.format(entry="1.2.3.4\\x00")),
        ("'; DROP TABLE stores;--", errors.ADDRESS_INVALID.format(entry="'")),
    ],
)
def test_bad_entries_are_named(entry, message):
    assert message in refused(entry)


def test_every_bad_entry_gets_its_message_in_order():
    assert refused("1.2.3.4, nope.example, 10.0.0.1/8, ::1") == [
        errors.ADDRESS_HOSTNAME.format(entry="nope.example"),
        errors.ADDRESS_HOST_BITS.format(entry="10.0.0.1/8", network="10.0.0.0/8"),
    ]


def test_long_entries_are_cut_in_messages():
    entry = "x" * 500
    (message,) = refused(entry)
    assert message == errors.ADDRESS_HOSTNAME.format(entry="x" * 59 + "…")


def test_too_many_entries():
    text = " ".join(f"10.0.{i // 256}.{i % 256}" for i in range(MAX_ENTRIES + 1))
    assert refused(text) == [errors.ADDRESSES_TOO_MANY.format(limit=MAX_ENTRIES)]


def test_repeats_do_not_count_against_the_maximum():
    assert parse_allowed_addresses("10.0.0.1 " * (MAX_ENTRIES + 10)) == ["10.0.0.1"]


def test_too_long_text_is_refused_before_splitting():
    assert refused(" " * (MAX_TEXT_LENGTH + 1)) == [errors.ADDRESSES_TOO_LONG]
    assert refused(["10.0.0.1"] * 2000) == [errors.ADDRESSES_TOO_LONG]


@pytest.mark.parametrize("value", [b"10.0.0.1", 10, 1.5, {"a": 1}, [1], [None], ["ok", b"x"]])
def test_values_that_are_not_text(value):
    assert refused(value) == [errors.ADDRESSES_NOT_TEXT]


# -- parsing: properties -------------------------------------------------------------------------


def _not_mapped(address):
    return address.version == 4 or address.ipv4_mapped is None


v4 = st.ip_addresses(v=4).filter(lambda a: not a.is_unspecified)
v6 = st.ip_addresses(v=6).filter(lambda a: not a.is_unspecified and _not_mapped(a))


@given(st.one_of(v4, v6))
def test_every_address_round_trips(address):
    assert parse_allowed_addresses(str(address)) == [str(address)]
    assert parse_allowed_addresses(address.exploded) == [str(address)]


@given(v4)
def test_mapped_addresses_become_ipv4(address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert parse_allowed_addresses(str(mapped)) == [str(address)]
    assert parse_allowed_addresses(mapped.exploded) == [str(address)]


@st.composite
def networks(draw):
    version = draw(st.sampled_from([4, 6]))
    bits = 32 if version == 4 else 128
    prefix = draw(st.integers(min_value=8 if version == 4 else 16, max_value=bits - 1))
    address = draw(st.ip_addresses(v=version))
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    if version == 6 and network.subnet_of(ipaddress.IPv6Network("::ffff:0:0/96")):
        network = ipaddress.IPv6Network(f"2001:db8::/{prefix}", strict=False)
    return network


@given(networks())
def test_every_network_round_trips(network):
    assert parse_allowed_addresses(str(network)) == [network.with_prefixlen]
    if network.version == 4:  # IPv6 has no netmask notation
        assert parse_allowed_addresses(network.with_netmask) == [network.with_prefixlen]


@given(st.lists(st.one_of(v4, v6), max_size=MAX_ENTRIES))
def test_lists_round_trip_in_order_without_repeats(addresses):
    text = "\n".join(str(a) for a in addresses)
    assert parse_allowed_addresses(text) == list(dict.fromkeys(str(a) for a in addresses))


@given(st.one_of(st.text(max_size=200), st.lists(st.text(max_size=40), max_size=80)))
def test_garbage_raises_only_the_clear_error(value):
    try:
        result = parse_allowed_addresses(value)
    except ValidationError as error:
        assert error.messages
        assert all(isinstance(m, str) and m for m in error.messages)
    else:
        assert parse_allowed_addresses(result) == result


@given(st.text(alphabet="0123456789abcdefABCDEF.:/%[]", max_size=60))
def test_address_like_garbage_raises_only_the_clear_error(value):
    try:
        result = parse_allowed_addresses(value)
    except ValidationError as error:
        assert error.messages
    else:
        assert parse_allowed_addresses(result) == result


# -- is_allowed -----------------------------------------------------------------------------------


ALLOWED = ["203.0.113.5", "198.51.100.0/24", "2001:db8::/32", "::1"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("203.0.113.5", True),
        ("203.0.113.6", False),
        ("198.51.100.255", True),
        ("198.51.101.0", False),
        ("2001:db8:1234::9", True),
        ("2001:db9::1", False),
        ("::1", True),
        ("::ffff:203.0.113.5", True),
        ("127.0.0.1", False),
        ("", False),
        ("garbage", False),
        ("203.0.113.5/32", False),
        ("fe80::1%eth0", False),
        (None, False),
    ],
)
def test_is_allowed(address, expected):
    assert is_allowed(address, ALLOWED) is expected


def test_empty_list_allows_nothing():
    assert is_allowed("203.0.113.5", []) is False


def test_unreadable_stored_entries_allow_nothing():
    assert is_allowed("203.0.113.5", ["garbage", None, 5, "203.0.113.0/33"]) is False


@given(st.one_of(v4, v6), st.lists(st.one_of(v4, v6), max_size=5))
def test_is_allowed_agrees_with_ipaddress(address, others):
    allowed = parse_allowed_addresses([str(a) for a in others])
    assert is_allowed(str(address), allowed) is (str(address) in allowed)


# -- caller_address -------------------------------------------------------------------------------


def request(remote_addr="203.0.113.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_socket_peer_is_the_caller(settings):
    settings.BACKROOM_TRUSTED_PROXIES = []
    assert caller_address(request("203.0.113.5")) == "203.0.113.5"


def test_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert caller_address(request("198.51.100.7", forwarded="203.0.113.5")) == "198.51.100.7"


def test_trusted_proxy_gives_the_forwarded_address(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.1"]
    assert caller_address(request("10.0.0.1", forwarded="203.0.113.5")) == "203.0.113.5"


def test_several_hops_are_read_from_the_right(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]
    # The client claims 1.1.1.1; 198.51.100.7 is what our outer proxy saw; then our proxies.
    header = "1.1.1.1, 198.51.100.7, 192.0.2.10, 10.1.2.3"
    assert caller_address(request("10.0.0.1", forwarded=header)) == "198.51.100.7"


def test_client_cannot_skip_past_the_first_untrusted_hop(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    header = "203.0.113.5, 10.9.9.9, 198.51.100.7"  # spoofed "trusted" hop on the left
    assert caller_address(request("10.0.0.1", forwarded=header)) == "198.51.100.7"


def test_all_hops_trusted_gives_the_leftmost(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert caller_address(request("10.0.0.1", forwarded="10.0.0.3, 10.0.0.2")) == "10.0.0.3"


@pytest.mark.parametrize("header", [None, "", " , ", "unknown", "garbage, 10.0.0.2"])
def test_unreadable_header_stops_at_the_last_proxy(settings, header):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    expected = "10.0.0.2" if header and "10.0.0.2" in header else "10.0.0.1"
    assert caller_address(request("10.0.0.1", forwarded=header)) == expected


def test_hops_with_ports_and_brackets(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert caller_address(request("10.0.0.1", forwarded="203.0.113.5:5555")) == "203.0.113.5"
    assert caller_address(request("10.0.0.1", forwarded="[2001:db8::7]:5555")) == "2001:db8::7"


def test_ipv6_and_mapped_addresses(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["::1"]
    assert caller_address(request("::ffff:203.0.113.5")) == "203.0.113.5"
    assert caller_address(request("::1", forwarded="::ffff:198.51.100.7")) == "198.51.100.7"
    assert caller_address(request("::1", forwarded="2001:DB8::1")) == "2001:db8::1"


def test_trusted_proxy_given_as_mapped_address(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["::ffff:10.0.0.1"]
    assert caller_address(request("10.0.0.1", forwarded="203.0.113.5")) == "203.0.113.5"


@pytest.mark.parametrize("remote", ["", "garbage", "fe80::1%eth0"])
def test_unreadable_peer_gives_no_address(settings, remote):
    settings.BACKROOM_TRUSTED_PROXIES = []
    assert caller_address(request(remote)) == ""


def test_bad_trusted_proxies_setting_is_a_configuration_error(settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["proxy.internal"]
    with pytest.raises(ImproperlyConfigured, match="BACKROOM_TRUSTED_PROXIES"):
        caller_address(request("10.0.0.1"))


@given(st.text(max_size=120))
def test_any_header_gives_an_address(header):
    from django.conf import settings

    request_ = request("10.0.0.1", forwarded=header)
    original = settings.BACKROOM_TRUSTED_PROXIES
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    try:
        result = caller_address(request_)
    finally:
        settings.BACKROOM_TRUSTED_PROXIES = original
    assert ipaddress.ip_address(result)
