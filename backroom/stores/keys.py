"""Store secret keys: made here, looked up by digest, kept encrypted, never stored in clear.

A key is what the WooCommerce plugin sends with every call. It keeps the reference's shape (a
36-character UUIDv4, lower-case hex with hyphens) so existing plugins accept it, but it is made
on the server from the operating system's CSPRNG (122 random bits).

Two secrets are derived (HKDF-SHA256, distinct `info` labels) from one master secret: the
setting `BACKROOM_STORE_KEY_SECRET` when set, else Django's `SECRET_KEY`. One keys the HMAC
digest that finds a store from its key; the other is the Fernet key that encrypts the copy
shown again to users allowed to edit the store. Changing the master secret makes every stored
key unusable (the stores need new keys), so production sets BACKROOM_STORE_KEY_SECRET once and
keeps it apart from SECRET_KEY, which may be rotated.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import uuid
from functools import lru_cache
from hashlib import sha256

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from backroom.stores.errors import StoreKeyUnavailable

KEY_LENGTH = 36
_KEY_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DIGEST_INFO = b"backroom store key digest v1"
_CIPHER_INFO = b"backroom store key cipher v1"


def generate_key() -> str:
    """A new key: 16 bytes from `secrets` formatted as a UUIDv4 (version and variant bits set,
    as `uuid.uuid4` does, so the plugin's checks see a normal UUID)."""
    return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))


def looks_like_key(text: object) -> bool:
    """Is `text` a string of the key's shape (36 characters, hex groups 8-4-4-4-12, any case)?
    Anything else is refused before it reaches a query."""
    return (
        isinstance(text, str)
        and len(text) == KEY_LENGTH
        and bool(_KEY_SHAPE.fullmatch(text.lower()))
    )


def key_digest(key: str) -> str:
    """The HMAC-SHA256 (hex, 64 characters) of the key in lower case: what the database keeps
    to find a store, useless to anyone without the server's secret."""
    return hmac.new(_derived(_DIGEST_INFO), key.lower().encode("ascii"), sha256).hexdigest()


def digests_match(a: str, b: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def encrypt_key(key: str) -> str:
    """The key encrypted (Fernet token, text), for showing it again later."""
    return _fernet().encrypt(key.encode("ascii")).decode("ascii")


def decrypt_key(token: str) -> str:
    """The clear key from `encrypt_key`'s token; StoreKeyUnavailable when the token is empty or
    was made with another secret."""
    if not token:
        raise StoreKeyUnavailable()
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise StoreKeyUnavailable() from None


def _master_secret() -> str:
    return settings.BACKROOM_STORE_KEY_SECRET or settings.SECRET_KEY


def _derived(info: bytes) -> bytes:
    return _derive(_master_secret(), info)


@lru_cache(maxsize=8)
def _derive(master: str, info: bytes) -> bytes:
    """32 bytes for one purpose from the master secret (cached per secret: tests change it)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        master.encode("utf-8")
    )


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived(_CIPHER_INFO)))
