"""Who may use the store API, and whether a store may sync now.

Every call is authenticated the same way (design invariants 6 and 7): the source address must
not be locked out by too many failures; the key must be a live store's key; the caller's
address must be in that store's allow-list. A failure of either of the last two counts against
the source address (stores.journal). Nothing about the catalog is read before all three pass.

The sync gate (`sync_refusal`, for isLetSync) says why a store may not sync, in words for the
shop owner; the plugin logs it and shows it as "Connection possibility rejected. Reason: ...".
The catalog calls check the same rules but the plugin's version (`catalog_refusal`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from backroom.stores import journal
from backroom.stores.addresses import is_allowed
from backroom.stores.errors import StoreLimitReached
from backroom.stores.models import Store
from backroom.stores.services import check_store_limit, find_store_by_key

SYNC_ALLOWED = "Synchronization allowed"
SYNC_OFF_EVERYWHERE = (
    "Global server restriction on WooCommerce synchronizations: synchronization is switched "
    "off for every store on this Backroom server."
)
CONNECTION_OFF = (
    'The "Connection allowed" setting of this store\'s connection is off in Backroom. '
    "Switch it on to synchronize again."
)
PLUGIN_TOO_OLD = (
    "Plugin version is too old. Plugin version is {version}, but oldest allowed version is "
    "{minimum}. Update the DokioStore plugin."
)
PLUGIN_VERSION_MISSING = (
    "The plugin sent no version, so it cannot be checked. WordPress reads it only when the "
    'plugin\'s folder is named "dokio-store" (wp-content/plugins/dokio-store): rename the '
    "folder, or install the plugin from its zip file."
)
PLUGIN_VERSION_UNREADABLE = (
    'The plugin version "{version}" cannot be read (a version looks like 1.3.0). Install the '
    "DokioStore plugin, version {minimum} or newer."
)
TOO_MANY_CONNECTIONS = (
    "This account has more online-store connections than it may have (at most {limit}). "
    "Delete the connections you no longer use in Backroom to synchronize again."
)
WRONG_KEY = (
    "Wrong CRM secret key: no connection in Backroom has this key (it may have been replaced "
    "by a new one, or the connection deleted). Copy the key from the connection's page in "
    "Backroom into the plugin's settings."
)
ADDRESS_NOT_ALLOWED = (
    "Calls from {address} are not allowed for this store. Add {address} to the allowed "
    "addresses of the store's connection in Backroom."
)
ADDRESS_UNKNOWN = (
    "Backroom cannot tell which address this call comes from, so it cannot allow it (behind a "
    "proxy, Backroom's administrator sets BACKROOM_TRUSTED_PROXIES)."
)

_VERSION = re.compile(r"([0-9]{1,6})\.([0-9]{1,6})\.([0-9]{1,6})")
_SHOWN_VERSION_LENGTH = 40


class Outcome(enum.Enum):
    ALLOWED = "allowed"
    LOCKED_OUT = "locked_out"
    WRONG_KEY = "wrong_key"
    WRONG_ADDRESS = "wrong_address"


@dataclass(frozen=True)
class Access:
    """The result of authenticate_call. `store` is set when the key was right (ALLOWED and
    WRONG_ADDRESS); `message` says what is wrong, naming only the caller's own address;
    `retry_after` is the seconds a locked-out source must wait."""

    outcome: Outcome
    store: Store | None = None
    message: str = ""
    retry_after: int = 0


def check_lockout(*, address: str) -> Access | None:
    """LOCKED_OUT when `address` has failed too often this minute, else None. Callers check
    it before reading a request body, so a locked-out source costs one query."""
    wait = journal.seconds_locked_out(address=address)
    if wait:
        return Access(outcome=Outcome.LOCKED_OUT, retry_after=wait)
    return None


def authenticate_call(*, key: object, address: str) -> Access:
    """Find the store for `key` and check that `address` (stores.addresses.caller_address)
    may call for it; check_lockout comes first. A key of a deleted store is a wrong key
    (find_store_by_key). Wrong keys and addresses count against the source address."""
    store = find_store_by_key(key)
    if store is None:
        journal.record_auth_failure(address=address)
        return Access(outcome=Outcome.WRONG_KEY, message=WRONG_KEY)
    if not is_allowed(address, store.allowed_addresses or []):
        journal.record_auth_failure(address=address)
        message = ADDRESS_NOT_ALLOWED.format(address=address) if address else ADDRESS_UNKNOWN
        return Access(outcome=Outcome.WRONG_ADDRESS, store=store, message=message)
    return Access(outcome=Outcome.ALLOWED, store=store)


def sync_refusal(*, store: Store, plugin_version: object) -> str:
    """Why `store` may not sync now ("" when it may), checked in this order: the
    installation's switch (BACKROOM_STORE_SYNC_ENABLED), the connection's own switch, the
    plugin's version (at least BACKROOM_PLUGIN_MIN_VERSION, ignoring a "-n" build suffix:
    1.3.0-1 is 1.3.0), and the account having more live connections than it may (after its
    limit was lowered). A deleted store never gets here: its key finds no store."""
    return _switch_refusal(store) or _version_refusal(plugin_version) or _limit_refusal(store)


def catalog_refusal(*, store: Store) -> str:
    """Why `store` may not read or report catalog data now ("" when it may): sync_refusal's
    reasons but the plugin's version, which only isLetSync is sent. The plugin asks isLetSync
    before its steps, but a step started by hand skips it: the rules hold on every call, not
    by the plugin's cooperation (the reference's weakness 4)."""
    return _switch_refusal(store) or _limit_refusal(store)


def _switch_refusal(store: Store) -> str:
    if not settings.BACKROOM_STORE_SYNC_ENABLED:
        return SYNC_OFF_EVERYWHERE
    if not store.is_let_sync:
        return CONNECTION_OFF
    return ""


def _limit_refusal(store: Store) -> str:
    try:
        check_store_limit(account_id=store.company.account_id, adding=0, lock=False)
    except StoreLimitReached as error:
        return TOO_MANY_CONNECTIONS.format(limit=error.limit)
    return ""


def parse_plugin_version(text: object) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a plugin version such as "1.3.0-1" (everything from the first
    "-" is a build number and ignored); None for anything else."""
    if not isinstance(text, str):
        return None
    match = _VERSION.fullmatch(text.strip().split("-", 1)[0])
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def _version_refusal(plugin_version: object) -> str:
    minimum_text = settings.BACKROOM_PLUGIN_MIN_VERSION
    minimum = _minimum_version(minimum_text)
    if not isinstance(plugin_version, str) or not plugin_version.strip():
        return PLUGIN_VERSION_MISSING
    shown = _shown(plugin_version)
    version = parse_plugin_version(plugin_version)
    if version is None:
        return PLUGIN_VERSION_UNREADABLE.format(version=shown, minimum=minimum_text)
    if version < minimum:
        return PLUGIN_TOO_OLD.format(version=shown, minimum=minimum_text)
    return ""


@lru_cache(maxsize=4)
def _minimum_version(text: str) -> tuple[int, int, int]:
    version = parse_plugin_version(text)
    if version is None or "-" in text:
        raise ImproperlyConfigured(
            f"BACKROOM_PLUGIN_MIN_VERSION must look like 1.3.0, not {text!r}."
        )
    return version


def _shown(text: str) -> str:
    """A caller's text as a message may quote it: printable characters only, cut short."""
    visible = "".join(c if c.isprintable() else "?" for c in text.strip())
    if len(visible) > _SHOWN_VERSION_LENGTH:
        visible = visible[: _SHOWN_VERSION_LENGTH - 1] + "…"
    return visible
