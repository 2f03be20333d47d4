"""The secret key on the document (show, copy, generate) and deleting / restoring connections
from the list, with and without JavaScript."""

import pytest

from backroom.accounts.models import Account
from backroom.stores.models import Store
from backroom.stores.services import find_store_by_key, reveal_key
from tests.conftest import make_user
from tests.stores.web.conftest import signed_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# -- the key ------------------------------------------------------------------------------------


def test_show_returns_the_key_in_clear(owner_client, created):
    store, key = created

    fragment = owner_client.post(f"/stores/{store.pk}/key/show/", **HTMX)
    page = owner_client.post(f"/stores/{store.pk}/key/show/")

    assert fragment.status_code == 200
    assert f'data-testid="key-clear">{key}</code>' in fragment.content.decode()
    assert ">Hide<" in fragment.content.decode()
    assert key in page.content.decode()  # without JavaScript: a page of its own
    assert "no-store" in fragment["Cache-Control"]


def test_hide_puts_the_dots_back(owner_client, created):
    store, key = created

    response = owner_client.get(f"/stores/{store.pk}/key/", **HTMX)

    assert 'data-testid="key-masked"' in response.content.decode()
    assert key not in response.content.decode()


def test_copy_gives_the_key_as_plain_text_never_cached(owner_client, created):
    store, key = created

    response = owner_client.post(f"/stores/{store.pk}/key/copy/")

    assert response.status_code == 200
    assert response.content.decode() == key
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


def test_key_endpoints_refuse_get_where_they_reveal(owner_client, store):
    assert owner_client.get(f"/stores/{store.pk}/key/show/").status_code == 405
    assert owner_client.get(f"/stores/{store.pk}/key/copy/").status_code == 405


def test_generate_asks_first_without_javascript(owner_client, created):
    store, key = created

    question = owner_client.get(f"/stores/{store.pk}/key/generate/")

    assert question.status_code == 200
    assert "the current one stops working at once" in question.content.decode()
    assert "CRM Secret key" in question.content.decode()
    assert find_store_by_key(key) == store  # asking changed nothing


def test_generate_replaces_the_key_and_shows_the_new_one_once(owner_client, created, owner):
    store, old_key = created

    response = owner_client.post(f"/stores/{store.pk}/key/generate/", **HTMX)

    new_key = reveal_key(user=owner, store_id=store.pk)
    assert new_key != old_key
    assert f'data-testid="key-clear">{new_key}</code>' in response.content.decode()
    assert "toast" in response["HX-Trigger"]
    assert find_store_by_key(old_key) is None
    assert find_store_by_key(new_key) == store
    plain = owner_client.post(f"/stores/{store.pk}/key/generate/")
    assert reveal_key(user=owner, store_id=store.pk) in plain.content.decode()


def test_the_document_page_never_holds_the_key(owner_client, created):
    store, key = created

    page = owner_client.get(f"/stores/{store.pk}/").content.decode()

    assert key not in page
    assert 'data-testid="key-masked"' in page
    assert ">Generate<" in page
    assert 'hx-confirm="Generate a new secret key?' in page
    assert "DokioStore plugin" in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "key/show/"),
        ("post", "key/copy/"),
        ("get", "key/generate/"),
        ("post", "key/generate/"),
    ],
)
def test_viewer_can_neither_see_nor_replace_the_key(viewer_client, created, method, path):
    store, key = created

    response = getattr(viewer_client, method)(f"/stores/{store.pk}/{path}")

    assert response.status_code == 403
    assert key not in response.content.decode()
    assert find_store_by_key(key) == store


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "key/"),
        ("post", "key/show/"),
        ("post", "key/copy/"),
        ("get", "key/generate/"),
        ("post", "key/generate/"),
    ],
)
def test_other_accounts_get_404_for_every_key_endpoint(rival_client, created, method, path):
    store, key = created

    response = getattr(rival_client, method)(f"/stores/{store.pk}/{path}")

    assert response.status_code == 404
    assert find_store_by_key(key) == store


# -- delete and restore -------------------------------------------------------------------------


def test_delete_asks_with_the_names_then_deletes(owner_client, make_store):
    one, two, kept = make_store(name="One"), make_store(name="Two"), make_store(name="Kept")

    question = owner_client.get(f"/stores/delete/?ids={one.pk}&ids={two.pk}&next=/stores/?q=o")

    assert question.status_code == 200
    assert [s.name for s in question.context["stores"]] == ["One", "Two"]
    assert not Store.objects.filter(is_deleted=True).exists()

    done = owner_client.post("/stores/delete/", {"ids": [one.pk, two.pk], "next": "/stores/?q=o"})

    assert done.status_code == 302
    assert done["Location"] == "/stores/?q=o"
    assert set(Store.objects.filter(is_deleted=True)) == {one, two}
    assert not Store.objects.get(pk=kept.pk).is_deleted
    assert "Deleted to the bin: 2." in owner_client.get(done["Location"]).content.decode()


def test_restore_brings_them_back(owner_client, make_store):
    gone = make_store(name="Gone", is_deleted=True)

    question = owner_client.get(f"/stores/restore/?ids={gone.pk}")
    done = owner_client.post("/stores/restore/", {"ids": [gone.pk]})

    assert "Restore the selected connections" in question.content.decode()
    assert done.status_code == 302
    assert not Store.objects.get(pk=gone.pk).is_deleted


def test_restore_over_the_limit_says_so(owner_client, make_store, account):
    make_store(name="Live")
    gone = make_store(name="Gone", is_deleted=True)
    Account.objects.filter(pk=account.pk).update(max_stores=1)

    done = owner_client.post("/stores/restore/", {"ids": [gone.pk]}, follow=True)

    assert "at most 1 online-store connections" in done.content.decode()
    assert Store.objects.get(pk=gone.pk).is_deleted


def test_nothing_ticked_goes_back_with_a_hint(owner_client):
    response = owner_client.get("/stores/delete/", follow=True)

    assert "Tick the connections first." in response.content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/admin/", "javascript:x"]
)
def test_next_never_leaves_the_list(owner_client, make_store, next_url):
    store = make_store(name="One")

    response = owner_client.post("/stores/delete/", {"ids": [store.pk], "next": next_url})

    assert response["Location"] == "/stores/"


def test_viewer_may_not_delete(viewer_client, make_store):
    store = make_store(name="One")

    assert viewer_client.get(f"/stores/delete/?ids={store.pk}").status_code == 403
    assert viewer_client.post("/stores/delete/", {"ids": [store.pk]}).status_code == 403
    assert not Store.objects.get(pk=store.pk).is_deleted


def test_own_company_deleter_may_not_delete_another_company_store(
    account, company, other_company, make_store
):
    deleter = make_user(
        account, company, username="deleter", permissions=["stores.view.all", "stores.delete.own"]
    )
    theirs = make_store(name="Theirs", company=other_company)

    response = signed_in(deleter).post("/stores/delete/", {"ids": [theirs.pk]})

    assert response.status_code == 403
    assert not Store.objects.get(pk=theirs.pk).is_deleted


@pytest.mark.parametrize("ids", [["abc"], ["-1"], ["99999999999999999999999"], ["1", "x"]])
def test_junk_ids_are_not_found(owner_client, make_store, ids):
    make_store(name="One")

    assert owner_client.get("/stores/delete/", {"ids": ids}).status_code == 404
    assert owner_client.post("/stores/delete/", {"ids": ids}).status_code == 404


def test_foreign_ids_are_not_found(rival_client, make_store):
    store = make_store(name="One")

    assert rival_client.get(f"/stores/delete/?ids={store.pk}").status_code == 404
    assert rival_client.post("/stores/delete/", {"ids": [store.pk]}).status_code == 404
    assert not Store.objects.get(pk=store.pk).is_deleted
