"""API tokens: made once, kept as a digest, refused when revoked, malformed or of an inactive
user; the `create_api_token` command."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from backroom.accounts.errors import NotFound
from backroom.accounts.models import ApiToken
from backroom.accounts.services import authenticate_token, create_api_token, revoke_api_token
from backroom.accounts.tokens import generate_token, looks_like_token
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_new_token_is_returned_once_and_stored_as_its_sha256(owner):
    token, raw = create_api_token(user=owner, name="  stock sync  ")
    assert raw.startswith("brt_") and len(raw) == 47
    token.refresh_from_db()
    assert token.name == "stock sync"
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.digest, token.name}
    assert (token.revoked, token.last_used_at) == (False, None)


def test_two_tokens_differ(owner):
    assert create_api_token(user=owner, name="a")[1] != create_api_token(user=owner, name="a")[1]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_sensible_name(owner, name):
    with pytest.raises(ValidationError) as caught:
        create_api_token(user=owner, name=name)
    assert "name" in caught.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_live_token_authenticates_its_user_and_notes_the_use(owner):
    token, raw = create_api_token(user=owner, name="sync")
    assert authenticate_token(raw) == owner
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_last_use_is_written_at_most_once_a_minute(owner, django_assert_num_queries):
    token, raw = create_api_token(user=owner, name="sync")
    with django_assert_num_queries(2):  # look-up + note
        authenticate_token(raw)
    with django_assert_num_queries(1):  # look-up only
        authenticate_token(raw)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    with django_assert_num_queries(2):
        authenticate_token(raw)


def test_revoked_unknown_and_inactive_tokens_authenticate_nobody(owner):
    token, raw = create_api_token(user=owner, name="sync")
    assert authenticate_token(generate_token()) is None
    revoke_api_token(user=owner, token_id=token.pk)
    assert authenticate_token(raw) is None
    _, other = create_api_token(user=owner, name="other")
    owner.is_active = False
    owner.save()
    assert authenticate_token(other) is None


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "brt_",
        "brt_" + "a" * 42,
        "brt_" + "a" * 44,
        "BRT_" + "a" * 43,
        "brt_" + "a" * 42 + "=",
        "brt_" + "ä" * 43,
        " brt_" + "a" * 42,
        b"brt_" + b"a" * 43,
        12345,
    ],
)
def test_malformed_tokens_are_refused_without_a_query(raw, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert authenticate_token(raw) is None


@given(st.text(max_size=60))
def test_only_the_token_shape_looks_like_a_token(text):
    assert looks_like_token(text) == (
        len(text) == 47
        and text.startswith("brt_")
        and all(c.isascii() and (c.isalnum() or c in "-_") for c in text[4:])
    )


def test_generated_tokens_look_like_tokens():
    assert all(looks_like_token(generate_token()) for _ in range(50))


def test_a_user_revokes_their_own_token_and_twice_is_harmless(owner):
    token, _ = create_api_token(user=owner, name="sync")
    assert revoke_api_token(user=owner, token_id=token.pk).revoked
    assert revoke_api_token(user=owner, token_id=str(token.pk)).revoked
    token.refresh_from_db()
    assert token.revoked


def test_the_owner_may_revoke_a_members_token_but_not_the_other_way(account, company, owner):
    clerk = make_user(account, company, username="clerk", permissions=[])
    clerks, _ = create_api_token(user=clerk, name="clerk's")
    owners, _ = create_api_token(user=owner, name="owner's")
    with pytest.raises(NotFound):
        revoke_api_token(user=clerk, token_id=owners.pk)
    assert revoke_api_token(user=owner, token_id=clerks.pk).revoked
    owners.refresh_from_db()
    assert not owners.revoked


def test_nobody_revokes_another_accounts_token(owner, rival_owner):
    rivals, _ = create_api_token(user=rival_owner, name="rival's")
    with pytest.raises(NotFound):
        revoke_api_token(user=owner, token_id=rivals.pk)
    rivals.refresh_from_db()
    assert not rivals.revoked


@pytest.mark.parametrize("token_id", [None, "", "abc", -1, 0, 2**80, "1; DROP TABLE x", 999999])
def test_revoking_garbage_ids_is_not_found(owner, token_id):
    with pytest.raises(NotFound):
        revoke_api_token(user=owner, token_id=token_id)


def test_the_command_prints_only_the_token(owner):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "owner", "--name", "nightly export", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert looks_like_token(raw)
    assert authenticate_token(raw) == owner
    assert ApiToken.objects.get().name == "nightly export"
    assert raw not in err.getvalue()


def test_the_command_names_tokens_by_default(owner):
    call_command("create_api_token", "owner", stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiToken.objects.get().name == "command line"


@pytest.mark.parametrize(
    ("username", "name", "message"),
    [
        ("nobody", "x", "There is no user 'nobody'."),
        ("owner", "  ", "Enter a name for the token."),
    ],
)
def test_the_command_refuses_unknown_users_and_blank_names(owner, username, name, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("create_api_token", username, "--name", name, stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_the_command_refuses_inactive_users(owner):
    owner.is_active = False
    owner.save()
    with pytest.raises(CommandError, match="inactive"):
        call_command("create_api_token", "owner", stdout=io.StringIO())
