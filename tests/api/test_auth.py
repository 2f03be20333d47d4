"""Who may call: a live token or a signed-in session (with CSRF for writes), nobody else."""

import logging

import pytest
from django.test import Client

from backroom.accounts.models import ApiToken
from backroom.accounts.services import create_api_token, revoke_api_token
from backroom.accounts.tokens import generate_token
from backroom.api.errors import CSRF_DETAIL, INTERNAL_DETAIL, UNAUTHENTICATED_DETAIL
from backroom.stores.models import Store
from tests.api.conftest import BASE, ENDPOINTS, WRITES, Api, session_api, token_api

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = {"code": "unauthenticated", "detail": UNAUTHENTICATED_DETAIL}
CSRF_FAILED = {"code": "csrf_failed", "detail": CSRF_DETAIL}


def call(api: Api, method: str, path: str, store: Store, body=None):
    return api.call(method, path.format(id=store.pk), body)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_calls_are_401(method, path, store, body):
    response = call(Api(Client(), {}, "anonymous"), method, path, store, body())
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == 'Bearer realm="backroom"'


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer brt_short",
        "Bearer " + generate_token(),  # the right shape, but no such token
        "Bearer " + generate_token() + " extra",
        "Basic b3duZXI6b3duZXItcGFzcy0xMjM=",  # owner's real password: not a way in
        "Token " + generate_token(),
        "brt_" + "a" * 43,
        "Bearer brt_" + "é" * 43,
        "Bearer \x7f",
        "",
    ],
)
@pytest.mark.parametrize(("method", "path"), [("get", "/stores"), ("post", "/stores")])
def test_malformed_and_unknown_tokens_are_401(header, method, path, store, body):
    api = Api(Client(), {"Authorization": header}, "token")
    response = call(api, method, path, store, body())
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert Store.objects.count() == 1


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_revoked_token_is_401_everywhere(method, path, owner, store, body):
    token, raw = create_api_token(user=owner, name="old")
    revoke_api_token(user=owner, token_id=token.pk)
    api = Api(Client(), {"Authorization": f"Bearer {raw}"}, "token")
    response = call(api, method, path, store, body())
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_the_scheme_is_case_insensitive(owner, store):
    _, raw = create_api_token(user=owner, name="sync")
    response = Api(Client(), {"Authorization": f"bearer {raw}"}, "token").get("/stores")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [store.pk]


def test_a_token_of_an_inactive_user_is_401(owner, store):
    api = token_api(owner)
    owner.is_active = False
    owner.save()
    assert api.get("/stores").status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(owner, store):
    """A script sending a wrong token must not act through a browser's session."""
    api = session_api(owner)
    response = api.get("/stores", headers={"Authorization": "Bearer " + generate_token()})
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_a_session_reads_without_csrf(owner, store):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.get(f"{BASE}/stores/{store.pk}")
    assert (response.status_code, response.json()["name"]) == (200, "Web shop")


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize(
    "csrf_header", [None, "", "W" * 32, "not-a-token"], ids=["none", "empty", "other", "junk"]
)
def test_session_writes_need_the_csrf_token(method, path, csrf_header, owner, store, body):
    api = session_api(owner)
    api.headers = {} if csrf_header is None else {"X-CSRFToken": csrf_header}
    before = Store.objects.values().get(pk=store.pk)
    response = call(api, method, path, store, body(name="Changed"))
    assert (response.status_code, response.json()) == (403, CSRF_FAILED)
    assert Store.objects.count() == 1
    assert Store.objects.values().get(pk=store.pk) == before


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_session_writes_with_the_csrf_token_pass(method, path, owner, store, body):
    response = call(session_api(owner), method, path, store, body(name="Changed"))
    assert response.status_code in (200, 201, 204)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_token_writes_need_no_csrf_token(method, path, owner, store, body):
    api = token_api(owner)
    api.client = Client(enforce_csrf_checks=True)
    response = call(api, method, path, store, body(name="Changed"))
    assert response.status_code in (200, 201, 204)


def test_a_session_whose_user_was_deactivated_is_401(owner, store):
    api = session_api(owner)
    owner.is_active = False
    owner.save()
    assert api.get("/stores").status_code == 401


def test_a_used_token_notes_when(owner, store):
    api = token_api(owner)
    assert ApiToken.objects.get().last_used_at is None
    api.get("/stores")
    assert ApiToken.objects.get().last_used_at is not None


def test_tokens_never_reach_the_log(owner, store, caplog, settings):
    settings.DEBUG = True  # ninja's own bearer class logs a bad header in debug mode
    _, raw = create_api_token(user=owner, name="sync")
    revoked, revoked_raw = create_api_token(user=owner, name="old")
    revoke_api_token(user=owner, token_id=revoked.pk)
    with caplog.at_level(logging.DEBUG):
        for header in (f"Bearer {raw}", f"Bearer {revoked_raw}", f"Token {raw}", raw):
            Api(Client(), {"Authorization": header}, "token").get("/stores")
            Api(Client(), {"Authorization": header}, "token").post("/stores", {"name": 1})
    assert caplog.records  # 401s and 422s are logged ...
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert raw not in logged and revoked_raw not in logged  # ... without the token


def test_a_bug_is_a_plain_json_500_and_a_logged_traceback(api, store, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr("backroom.stores.selectors.list_stores", broken)
    with caplog.at_level(logging.ERROR, logger="backroom.api"):
        response = api.get("/stores")
    assert response.status_code == 500
    assert response.json() == {"code": "internal_error", "detail": INTERNAL_DETAIL}
    assert b"internal detail" not in response.content
    (record,) = [r for r in caplog.records if r.name == "backroom.api"]
    assert record.exc_info[0] is RuntimeError
