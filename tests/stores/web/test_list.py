"""The list of connections at /stores/: permissions, search, company filter, sorting, paging,
the deleted tab, and that no query string can make it fail."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backroom.stores.models import Store
from tests.conftest import make_user
from tests.stores.web.conftest import ALL_ALL, signed_in

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [row.name for row in (r["store"] for r in response.context["rows"])]


def test_login_is_required(client):
    response = client.get("/stores/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/stores/"


def test_user_without_view_permission_is_told_why(account, company):
    nobody = make_user(account, company, username="nobody", permissions=["orders.view.all"])

    response = signed_in(nobody).get("/stores/")

    assert response.status_code == 403
    assert "Your roles do not let you view online-store connections" in response.content.decode()


def test_menu_shows_the_list_only_to_users_who_may_view(account, company, viewer_client):
    nobody = make_user(account, company, username="nobody", permissions=[])

    assert 'href="/stores/"' in viewer_client.get("/").content.decode()
    page = signed_in(nobody).get("/").content.decode()
    assert 'href="/stores/"' not in page
    assert "Online-stores (connections)" in page  # greyed, with the reason as its title


def test_owner_sees_live_stores_with_their_columns(owner_client, make_store):
    make_store(name="Shop EN")
    make_store(name="Gone", is_deleted=True)

    response = owner_client.get("/stores/")

    assert response.status_code == 200
    assert names(response) == ["Shop EN"]
    page = response.content.decode()
    for header in ("Name", "Language", "Connection allowed", "Creator", "Created"):
        assert f">{header}" in page
    assert ">Company" not in page  # one company visible: no company column
    assert "Found: 1, page 1 of 1" in page


def test_search_matches_name_or_language_case_insensitively(owner_client, make_store):
    make_store(name="Shop Deutsch", language="DE")
    make_store(name="Shop English", language="EN")
    make_store(name="Boutique", language="FR")

    assert names(owner_client.get("/stores/?q=shop")) == ["Shop Deutsch", "Shop English"]
    assert names(owner_client.get("/stores/?q=fr")) == ["Boutique"]
    assert names(owner_client.get("/stores/?q=zzz")) == []
    assert "Data not found" in owner_client.get("/stores/?q=zzz").content.decode()


def test_company_filter_and_company_column(owner_client, make_store, company, other_company):
    make_store(name="Acme EN")
    make_store(name="Wholesale EN", company=other_company)

    everything = owner_client.get("/stores/")
    only_other = owner_client.get(f"/stores/?company={other_company.pk}")

    assert names(everything) == ["Acme EN", "Wholesale EN"]
    assert ">Company" in everything.content.decode()
    assert names(only_other) == ["Wholesale EN"]
    # "Acme Shop" < "Acme Wholesale"
    assert names(owner_client.get("/stores/?sort=company")) == ["Acme EN", "Wholesale EN"]
    assert names(owner_client.get("/stores/?sort=-company")) == ["Wholesale EN", "Acme EN"]


def test_own_company_viewer_sees_only_own_company(
    account, company, other_company, make_store, viewer_client
):
    make_store(name="Acme EN")
    make_store(name="Wholesale EN", company=other_company)

    response = viewer_client.get(f"/stores/?company={other_company.pk}")

    assert names(response) == ["Acme EN"]  # a company the viewer cannot see is ignored
    assert ">Company" not in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["alpha", "Beta", "gamma"]),
        ("-name", ["gamma", "Beta", "alpha"]),
        ("language", ["gamma", "alpha", "Beta"]),
        ("-language", ["Beta", "alpha", "gamma"]),
        ("is_let_sync", ["Beta", "alpha", "gamma"]),
        ("-is_let_sync", ["gamma", "alpha", "Beta"]),
        ("creator", ["Beta", "alpha", "gamma"]),
        ("-creator", ["gamma", "alpha", "Beta"]),
        ("created", ["gamma", "Beta", "alpha"]),
        ("-created", ["alpha", "Beta", "gamma"]),
    ],
)
def test_sort_by_each_column(owner_client, make_store, account, company, sort, expected):
    anna = make_user(account, company, username="anna", permissions=[])
    zoe = make_user(account, company, username="zoe", permissions=[])
    now = timezone.now()
    stores = [
        make_store(name="alpha", language="DE", is_let_sync=True),
        make_store(name="Beta", language="FR", is_let_sync=False, creator=anna),
        make_store(name="gamma", language="AR", is_let_sync=True, creator=zoe),
    ]
    for store, days_ago in zip(stores, (1, 2, 3), strict=True):
        Store.objects.filter(pk=store.pk).update(created_at=now - timedelta(days=days_ago))

    response = owner_client.get(f"/stores/?sort={sort}")

    assert names(response) == expected


def test_clicking_the_sorted_column_flips_the_order(owner_client, make_store):
    make_store(name="a")

    columns = {c["key"]: c for c in owner_client.get("/stores/?sort=language").context["columns"]}

    assert columns["language"]["url"] == "?sort=-language"
    assert columns["name"]["url"] == "?"


def test_paging_keeps_the_rest_of_the_state_in_the_url(owner_client, make_store):
    for n in range(12):
        make_store(name=f"Shop {n:02}")

    first = owner_client.get("/stores/?size=10&q=shop")
    second = owner_client.get(first.context["next_url"] and "/stores/" + first.context["next_url"])

    assert names(first) == [f"Shop {n:02}" for n in range(10)]
    assert first.context["next_url"] == "?q=shop&page=2&size=10"
    assert names(second) == ["Shop 10", "Shop 11"]
    assert "Found: 12, page 2 of 2" in second.content.decode()
    assert names(owner_client.get("/stores/?size=10&page=99")) == ["Shop 10", "Shop 11"]


def test_deleted_tab_shows_only_deleted_stores(owner_client, make_store):
    make_store(name="Live")
    make_store(name="Gone", is_deleted=True)

    response = owner_client.get("/stores/?deleted=1")

    assert names(response) == ["Gone"]
    page = response.content.decode()
    assert "Restore selected" in page
    assert 'class="error-text">Deleted</span>' in page


def test_viewer_has_no_deleted_tab_no_checkboxes_and_no_create(viewer_client, make_store):
    make_store(name="Live")
    make_store(name="Gone", is_deleted=True)

    response = viewer_client.get("/stores/?deleted=1")
    page = response.content.decode()

    assert names(response) == ["Live"]  # may not see the bin: the parameter is ignored
    assert 'name="ids"' not in page
    assert 'data-testid="tab-deleted"' not in page
    assert 'data-testid="create"' not in page
    assert "Your roles do not let you create connections." in page
    assert "Your roles do not let you delete connections." in page


HOSTILE = [
    "q=%00",
    "q=a%00b",
    "q=" + "x" * 10_000,
    "q=%F0%9F%9B%92%20%C3%9Cn%C3%AFc%C3%B6d%C3%A9",
    "q=%D7%A9%D7%9C%D7%95%D7%9D%E2%80%AE",
    "q=%ED%A0%80",
    "q=%27%3B%20DROP%20TABLE%20stores_store%3B--",
    "q=%25%5F%5C",
    "q=a&q=b",
    "sort=password",
    "sort=-",
    "sort=--name",
    "sort=name%00",
    "sort=" + "n" * 5000,
    "page=-1",
    "page=0",
    "page=abc",
    "page=1e9",
    "page=99999999999999999999999999",
    "page=%EF%BC%91",
    "size=0",
    "size=-5",
    "size=100000",
    "size=abc",
    "company=abc",
    "company=-1",
    "company=0",
    "company=99999999999999999999999999",
    "company=%00",
    "deleted=%00",
    "deleted=1&deleted=0",
    "%00=%00",
    "&&&==&",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_junk_query_strings_never_fail(owner_client, make_store, query):
    make_store(name="Shop")

    response = owner_client.get(f"/stores/?{query}")

    assert response.status_code == 200


def test_foreign_company_filter_shows_nothing_of_it(owner_client, make_store, foreign_company):
    make_store(name="Mine")
    make_store(name="Theirs", company=foreign_company)

    response = owner_client.get(f"/stores/?company={foreign_company.pk}")

    assert names(response) == ["Mine"]
    assert "Theirs" not in response.content.decode()


def test_query_count_does_not_grow_with_rows(owner_client, make_store, account, company):
    make_store(name="Shop 0")
    with CaptureQueriesContext(connection) as one:
        owner_client.get("/stores/")
    for n in range(1, 20):
        creator = make_user(account, company, username=f"user{n}", permissions=[])
        make_store(name=f"Shop {n}", creator=creator)
    with CaptureQueriesContext(connection) as twenty:
        response = owner_client.get("/stores/")

    assert len(response.context["rows"]) == 20
    assert len(twenty) == len(one)


def test_all_companies_manager_gets_checkboxes_for_every_row(
    account, company, other_company, make_store
):
    manager = make_user(account, company, username="manager", permissions=ALL_ALL)
    make_store(name="A")
    make_store(name="B", company=other_company)

    rows = signed_in(manager).get("/stores/").context["rows"]

    assert [row["may_delete"] for row in rows] == [True, True]


def test_own_company_deleter_gets_checkboxes_only_for_own_rows(
    make_store, other_company, account, company
):
    manager = make_user(
        account, company, username="mixed", permissions=["stores.view.all", "stores.delete.own"]
    )
    make_store(name="A")
    make_store(name="B", company=other_company)

    rows = signed_in(manager).get("/stores/").context["rows"]

    assert [(r["store"].name, r["may_delete"]) for r in rows] == [("A", True), ("B", False)]
