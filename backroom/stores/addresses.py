"""The IP allow-list of a store, and the address a request really comes from.

An allow-list holds IPv4/IPv6 addresses and CIDR ranges, kept normalised ("203.0.113.5",
"2001:db8::/32"). The parser is strict and says what is wrong with each bad entry, because a
wrong list either locks a store out or lets others in:

- names (`shop.example.com`) are refused: the list is checked against addresses, and a name
  would need a DNS lookup the operator cannot see;
- an address with a port (`1.2.3.4:443`, `[::1]:443`) is refused, naming the address to enter:
  a port says nothing about who calls;
- a zone index (`fe80::1%eth0`) is refused: it names an interface of the machine that typed it,
  and stores call over the internet, not over a link-local segment;
- a range with host bits (`10.0.0.1/24`) is refused with the range it probably means, rather
  than guessed;
- catch-alls are refused: ranges wider than /8 (IPv4) or /16 (IPv6), and the unspecified
  addresses `0.0.0.0` and `::`, which some tools read as "anywhere";
- IPv4-mapped IPv6 (`::ffff:1.2.3.4`, and ranges of /96 and narrower in ::ffff:0:0/96) becomes
  IPv4, which is how the caller's address is compared too;
- `[::1]` (brackets, no port) is read as `::1`; a /32 or /128 becomes the plain address;
  repeats are dropped, order kept.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest

from backroom.stores import errors

MAX_ENTRIES = 64
MAX_TEXT_LENGTH = 8192
"""Longer input is refused before it is split: 64 of the longest IPv6 ranges fit easily."""
MIN_PREFIX = {4: 8, 6: 16}
"""The widest range accepted: anything wider is, for a store, "anyone"."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_SEPARATORS = re.compile(r"[\s,;]+")
_BRACKETED = re.compile(r"\[([^\[\]]*)\](?::([0-9]+))?")
_V4_WITH_PORT = re.compile(r"([0-9.]+):([0-9]+)")
_NAME = re.compile(r"(?=.*[^\W\d_])[\w.-]+")
_SHOWN_LENGTH = 60


def parse_allowed_addresses(value: str | Iterable[object] | None) -> list[str]:
    """The normalised allow-list from text (one entry per line, or separated by commas,
    semicolons or spaces) or from a list of entries. Raises ValidationError with one message
    per bad entry (or one for the whole list); never anything else, whatever it is given."""
    entries = _split(value)
    distinct = list(dict.fromkeys(entries))
    if len(distinct) > MAX_ENTRIES:
        raise ValidationError(errors.ADDRESSES_TOO_MANY.format(limit=MAX_ENTRIES))
    problems: list[str] = []
    result: list[str] = []
    for entry in distinct:
        try:
            normalised = _parse_entry(entry)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        if normalised not in result:
            result.append(normalised)
    if problems:
        raise ValidationError(problems)
    return result


def is_allowed(address: str, allowed: Iterable[str]) -> bool:
    """Is `address` (as caller_address gives it) one of, or inside one of, the allowed entries?
    An empty or unreadable address, or an empty list, allows nothing."""
    caller = parse_address(address)
    if caller is None:
        return False
    for entry in allowed:
        network = _stored_network(entry) if isinstance(entry, str) else None
        if network is not None and network.version == caller.version and caller in network:
            return True
    return False


def caller_address(request: HttpRequest) -> str:
    """The address a request comes from, normalised ("" when unknown).

    It is the socket's peer (REMOTE_ADDR), unless that peer is one of the trusted proxies
    (setting BACKROOM_TRUSTED_PROXIES). Only then is X-Forwarded-For read, from the right: each
    trusted hop is skipped, and the first hop that is not a trusted proxy is the caller. A
    client can put anything in the header, but only to the left of what our own proxies
    append, so what it wrote is never reached while a hop it does not control comes first. An
    unreadable hop stops the walk at the last proxy seen."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    trusted = _trusted_proxies(tuple(settings.BACKROOM_TRUSTED_PROXIES))
    current = peer
    if not _in_any(current, trusted):
        return str(current)
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for hop in reversed(hops):
        address = _parse_hop(hop.strip())
        if address is None:
            break
        current = address
        if not _in_any(current, trusted):
            break
    return str(current)


def parse_address(text: object) -> IPAddress | None:
    """One address (not a range), IPv4-mapped IPv6 made IPv4, or None if it is not one. A zone
    index is not an address a store calls from: None."""
    if not isinstance(text, str) or not text.isascii() or "%" in text or "/" in text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return _unmapped(address)


# -- parsing one entry ---------------------------------------------------------------------------


def _split(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise ValidationError(errors.ADDRESSES_TOO_LONG)
        return [entry for entry in _SEPARATORS.split(value) if entry]
    if isinstance(value, bytes | bytearray | dict) or not isinstance(value, Iterable):
        raise ValidationError(errors.ADDRESSES_NOT_TEXT)
    entries: list[str] = []
    total = 0
    for item in value:
        if not isinstance(item, str):
            raise ValidationError(errors.ADDRESSES_NOT_TEXT)
        total += len(item) + 1
        if total > MAX_TEXT_LENGTH:
            raise ValidationError(errors.ADDRESSES_TOO_LONG)
        entries.extend(entry for entry in _SEPARATORS.split(item) if entry)
    return entries


def _parse_entry(entry: str) -> str:
    """The normalised form of one entry, or ValidationError naming it and what is wrong."""
    shown = _shown(entry)
    if not entry.isascii():
        message = errors.ADDRESS_HOSTNAME if _NAME.fullmatch(entry) else errors.ADDRESS_INVALID
        raise ValidationError(message.format(entry=shown))
    if bracketed := _BRACKETED.fullmatch(entry):
        inner, port = bracketed.groups()
        _refuse_scoped(inner, shown)
        try:
            address = _unmapped(ipaddress.IPv6Address(inner))
        except ValueError:
            raise ValidationError(errors.ADDRESS_INVALID.format(entry=shown)) from None
        if port is not None:
            raise ValidationError(errors.ADDRESS_WITH_PORT.format(entry=shown, address=address))
        return _checked_address(address, shown)
    if v4_with_port := _V4_WITH_PORT.fullmatch(entry):
        address = parse_address(v4_with_port.group(1))
        if address is not None:
            raise ValidationError(errors.ADDRESS_WITH_PORT.format(entry=shown, address=address))
    _refuse_scoped(entry, shown)
    if "/" in entry:
        return _parse_network(entry, shown)
    address = parse_address(entry)
    if address is None:
        message = errors.ADDRESS_HOSTNAME if _NAME.fullmatch(entry) else errors.ADDRESS_INVALID
        raise ValidationError(message.format(entry=shown))
    return _checked_address(address, shown)


def _refuse_scoped(entry: str, shown: str) -> None:
    if "%" in entry:
        try:
            ipaddress.ip_interface(entry)  # parses "fe80::1%eth0" and "fe80::%1/64"
        except ValueError:
            return
        raise ValidationError(errors.ADDRESS_SCOPED.format(entry=shown))


def _parse_network(entry: str, shown: str) -> str:
    try:
        network = ipaddress.ip_network(entry, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValidationError(errors.ADDRESS_INVALID.format(entry=shown)) from None
        suggestion = _unmapped_network(loose)
        raise ValidationError(
            errors.ADDRESS_HOST_BITS.format(entry=shown, network=suggestion.with_prefixlen)
        ) from None
    network = _unmapped_network(network)
    if network.prefixlen < MIN_PREFIX[network.version]:
        raise ValidationError(
            errors.ADDRESS_TOO_WIDE.format(entry=shown, prefix=MIN_PREFIX[network.version])
        )
    if network.prefixlen == network.max_prefixlen:
        return _checked_address(network.network_address, shown)
    return network.with_prefixlen


def _checked_address(address: IPAddress, shown: str) -> str:
    if address.is_unspecified:
        raise ValidationError(errors.ADDRESS_UNSPECIFIED.format(entry=shown))
    return str(address)


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


def _unmapped_network(network: IPNetwork) -> IPNetwork:
    """::ffff:1.2.3.0/120 -> 1.2.3.0/24; other networks unchanged."""
    if network.version == 6 and network.subnet_of(_MAPPED) and network.prefixlen >= 96:
        first = network.network_address.ipv4_mapped
        return ipaddress.IPv4Network(f"{first}/{network.prefixlen - 96}")
    return network


def _shown(entry: str) -> str:
    """The entry as a message may quote it: invisible characters escaped, long ones cut."""
    visible = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in entry)
    if len(visible) > _SHOWN_LENGTH:
        visible = visible[: _SHOWN_LENGTH - 1] + "…"
    return visible


# -- comparing -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _stored_network(entry: str) -> IPNetwork | None:
    """A stored (normalised) entry as a network; None if it cannot be read (never allows)."""
    try:
        return _unmapped_network(ipaddress.ip_network(entry, strict=True))
    except ValueError:
        return None


def _parse_hop(hop: str) -> IPAddress | None:
    """One X-Forwarded-For hop; some proxies add the client's port (`1.2.3.4:5678`,
    `[2001:db8::1]:5678`), which is dropped here."""
    if bracketed := _BRACKETED.fullmatch(hop):
        return parse_address(bracketed.group(1))
    if v4_with_port := _V4_WITH_PORT.fullmatch(hop):
        return parse_address(v4_with_port.group(1))
    return parse_address(hop)


@lru_cache(maxsize=8)
def _trusted_proxies(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        parsed = parse_allowed_addresses(list(entries))
    except ValidationError as error:
        raise ImproperlyConfigured(
            f"BACKROOM_TRUSTED_PROXIES: {' '.join(error.messages)}"
        ) from None
    return tuple(network for entry in parsed if (network := _stored_network(entry)))


def _in_any(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(network.version == address.version and address in network for network in networks)
