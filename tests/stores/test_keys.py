"""Store keys: shape, randomness source, digest and encryption."""

import re
import uuid
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backroom.stores import keys
from backroom.stores.errors import StoreKeyUnavailable

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_generated_keys_are_uuid4_shaped_and_distinct():
    made = [keys.generate_key() for _ in range(200)]
    assert all(UUID4.fullmatch(key) for key in made)
    assert all(uuid.UUID(key).version == 4 for key in made)
    assert len(set(made)) == 200


def test_keys_come_from_the_secrets_module():
    with mock.patch.object(keys.secrets, "token_bytes", return_value=bytes(range(16))) as source:
        key = keys.generate_key()
    source.assert_called_once_with(16)
    assert key == "00010203-0405-4607-8809-0a0b0c0d0e0f"


@pytest.mark.parametrize(
    "text",
    [
        "9c5dac28-1119-46de-aaca-15eedef0a88b",
        "9C5DAC28-1119-46DE-AACA-15EEDEF0A88B",
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_key_shape_accepted(text):
    assert keys.looks_like_key(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1",
        "9c5dac28111946deaaca15eedef0a88b",
        "{9c5dac28-1119-46de-aaca-15eedef0a88b}",
        "9c5dac28-1119-46de-aaca-15eedef0a88b\n",
        " 9c5dac28-1119-46de-aaca-15eedef0a88",
        "9c5dac28-1119-46de-aaca-15eedef0a88g",
        "9c5dac28-1119-46de-aaca-15eedef0a８８b",
        "9c5dac28_1119_46de_aaca_15eedef0a88b",
        "' OR 1=1 --                         ",
        None,
        b"9c5dac28-1119-46de-aaca-15eedef0a88b",
        36,
    ],
)
def test_anything_else_is_not_a_key(text):
    assert not keys.looks_like_key(text)


@given(st.text(max_size=80))
def test_looks_like_key_never_raises(text):
    assert keys.looks_like_key(text) == bool(
        len(text) == 36
        and re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", text)
    )


def test_digest_is_hmac_not_plain_hash(settings):
    key = "9c5dac28-1119-46de-aaca-15eedef0a88b"
    import hashlib

    digest = keys.key_digest(key)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest != hashlib.sha256(key.encode()).hexdigest()
    assert keys.key_digest(key.upper()) == digest
    settings.BACKROOM_STORE_KEY_SECRET = "another secret"
    assert keys.key_digest(key) != digest


def test_store_key_secret_is_used_before_secret_key(settings):
    key = "9c5dac28-1119-46de-aaca-15eedef0a88b"
    settings.BACKROOM_STORE_KEY_SECRET = ""
    from_secret_key = keys.key_digest(key)
    settings.SECRET_KEY = "rotated"
    assert keys.key_digest(key) != from_secret_key
    settings.BACKROOM_STORE_KEY_SECRET = "stable"
    stable = keys.key_digest(key)
    settings.SECRET_KEY = "rotated again"
    assert keys.key_digest(key) == stable


def test_encryption_round_trip_and_no_clear_text(settings):
    key = keys.generate_key()
    token = keys.encrypt_key(key)
    assert key not in token
    assert keys.decrypt_key(token) == key
    assert keys.encrypt_key(key) != token  # Fernet tokens carry a random IV


@pytest.mark.parametrize("token", ["", "garbage", "gAAAAA" + "x" * 80, "ü"])
def test_unreadable_tokens(token):
    with pytest.raises(StoreKeyUnavailable) as raised:
        keys.decrypt_key(token)
    assert raised.value.code == "store_key_unavailable"


def test_token_made_with_another_secret(settings):
    settings.BACKROOM_STORE_KEY_SECRET = "first"
    token = keys.encrypt_key(keys.generate_key())
    settings.BACKROOM_STORE_KEY_SECRET = "second"
    with pytest.raises(StoreKeyUnavailable):
        keys.decrypt_key(token)
