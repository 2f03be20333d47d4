"""Reads of stores: the list, one store, its status, what it carries, missing translations."""

import pytest

from backroom.accounts.models import Membership, User
from backroom.catalog.models import (
    AttributeTranslation,
    CategoryTranslation,
    PriceType,
    Product,
    ProductTranslation,
)
from backroom.companies.models import Department
from backroom.stores.errors import NotFound
from backroom.stores.models import Store, SyncState
from backroom.stores.selectors import (
    carried_category_ids,
    carried_product_ids,
    carried_variations,
    get_store,
    list_missing_translations,
    list_store_attributes,
    list_store_categories,
    list_stores,
    store_status,
)
from backroom.stores.services import create_store, delete_stores
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(owner, store_input, account, company):
    """Five stores by two creators; "Delta" deleted."""
    zed = make_user(account, company, username="zed", permissions=["stores.create.all"])
    specs = [
        ("Bravo", "de", owner, True),
        ("alpha", "en", zed, False),
        ("Charlie", "fr", owner, True),
        ("Delta", "en", owner, True),
        ("Echo", "DE", zed, True),
    ]
    made = {}
    for name, language, creator, let_sync in specs:
        made[name] = create_store(
            user=creator, data=store_input(name=name, language=language, is_let_sync=let_sync)
        )[0]
    delete_stores(user=owner, store_ids=[made["Delta"].pk])
    return made


def names(page):
    return [store.name for store in page.items]


def test_default_list_is_live_stores_by_name(owner, shops):
    page = list_stores(user=owner)
    assert names(page) == ["alpha", "Bravo", "Charlie", "Echo"]
    assert (page.total, page.page, page.pages) == (4, 1, 1)


def test_only_deleted(owner, shops):
    assert names(list_stores(user=owner, deleted=True)) == ["Delta"]


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("name", True, ["Echo", "Charlie", "Bravo", "alpha"]),
        ("language", False, ["Bravo", "Echo", "alpha", "Charlie"]),
        ("is_let_sync", False, ["alpha", "Bravo", "Charlie", "Echo"]),
        ("creator", False, ["Bravo", "Charlie", "alpha", "Echo"]),
        ("created", False, ["Bravo", "alpha", "Charlie", "Echo"]),
        ("created", True, ["Echo", "Charlie", "alpha", "Bravo"]),
        ("password", False, ["alpha", "Bravo", "Charlie", "Echo"]),
        ("key_digest", False, ["alpha", "Bravo", "Charlie", "Echo"]),
        ("", False, ["alpha", "Bravo", "Charlie", "Echo"]),
        (None, False, ["alpha", "Bravo", "Charlie", "Echo"]),
    ],
)
def test_sorting(owner, shops, sort, descending, expected):
    assert names(list_stores(user=owner, sort=sort, descending=descending)) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("a", ["alpha", "Bravo", "Charlie"]),
        ("DE", ["Bravo", "Echo"]),
        ("ALPH", ["alpha"]),
        ("  echo  ", ["Echo"]),
        ("%", []),
        ("_", []),
        ("\x00", ["alpha", "Bravo", "Charlie", "Echo"]),
        ("ü" * 5000, []),
        (None, ["alpha", "Bravo", "Charlie", "Echo"]),
    ],
)
def test_search_by_name_or_language(owner, shops, search, expected):
    assert names(list_stores(user=owner, search=search)) == expected


def test_sort_by_company(owner, shops, store_input, other_company):
    department = Department.objects.create(company=other_company, name="D")
    create_store(
        user=owner,
        data=store_input(
            company_id=other_company.pk,
            name="Zulu",
            regular_price_type_id=PriceType.objects.create(company=other_company, name="R").pk,
            sale_price_type_id=None,
            orders_department_id=department.pk,
            department_ids=[department.pk],
        ),
    )
    # "Acme Shop" before "Acme Wholesale"; within a company, by id.
    assert names(list_stores(user=owner, sort="company")) == [
        "Bravo",
        "alpha",
        "Charlie",
        "Echo",
        "Zulu",
    ]
    assert names(list_stores(user=owner, sort="company", descending=True))[0] == "Zulu"


def test_paging(owner, shops):
    first = list_stores(user=owner, page_size=3)
    second = list_stores(user=owner, page_size=3, page=2)
    assert (names(first), first.pages) == (["alpha", "Bravo", "Charlie"], 2)
    assert (names(second), second.page) == (["Echo"], 2)


@pytest.mark.parametrize(
    ("page", "size", "expected_page"),
    [(99, 3, 2), (0, 3, 1), (-4, 3, 1), ("x", 3, 1), ("2", "3", 2), (True, 3, 1), (1.5, 3, 1)],
)
def test_paging_never_fails(owner, shops, page, size, expected_page):
    assert list_stores(user=owner, page=page, page_size=size).page == expected_page


def test_page_size_is_capped(owner, shops):
    assert list_stores(user=owner, page_size=10**9).pages == 1
    assert len(list_stores(user=owner, page_size=0).items) == 4


def test_company_filter(owner, shops, company, other_company, foreign_company):
    assert list_stores(user=owner, company_id=company.pk).total == 4
    assert list_stores(user=owner, company_id=str(company.pk)).total == 4
    assert list_stores(user=owner, company_id=other_company.pk).total == 0
    assert list_stores(user=owner, company_id=foreign_company.pk).total == 0
    assert list_stores(user=owner, company_id="nope").total == 0


def test_list_is_scoped_to_account_and_permissions(
    shops, account, company, other_company, foreign_company
):
    rival = User.objects.create_user(username="rival")
    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    assert list_stores(user=rival).total == 0
    own = make_user(account, company, username="own", permissions=["stores.view.own"])
    assert list_stores(user=own).total == 4
    elsewhere = make_user(account, other_company, username="else", permissions=["stores.view.own"])
    assert list_stores(user=elsewhere).total == 0
    nothing = make_user(account, company, username="nothing", permissions=["orders.view.all"])
    assert list_stores(user=nothing).total == 0


def test_list_query_count_is_constant(owner, store_input, django_assert_num_queries):
    def count_queries(n):
        for i in range(n):
            create_store(user=owner, data=store_input(name=f"S{n}-{i}"))
        owner_fresh = User.objects.select_related("membership").get(pk=owner.pk)
        list_stores(user=owner_fresh)  # warm the permission cache of this user object
        with django_assert_num_queries(2):
            page = list_stores(user=owner_fresh, page_size=50)
            shown = [(store.company.name, store.created_by.username) for store in page.items]
        assert len(shown) == page.total
        return page.total

    assert count_queries(1) == 1
    assert count_queries(9) == 10


# -- get_store ---------------------------------------------------------------------------------


def test_get_store(owner, store):
    assert get_store(user=owner, store_id=store.pk) == store
    assert get_store(user=owner, store_id=str(store.pk), action="edit") == store


def test_get_store_not_found(owner, store, account, other_company, foreign_company):
    rival = User.objects.create_user(username="rival")
    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    with pytest.raises(NotFound):
        get_store(user=rival, store_id=store.pk)
    viewer = make_user(account, other_company, username="v", permissions=["stores.view.own"])
    with pytest.raises(NotFound):
        get_store(user=viewer, store_id=store.pk)
    for bad in (10**12, "x", None, -1):
        with pytest.raises(NotFound):
            get_store(user=owner, store_id=bad)


def test_get_store_for_an_action(owner, store, account, company):
    viewer = make_user(account, company, username="viewer", permissions=["stores.view.own"])
    assert get_store(user=viewer, store_id=store.pk) == store
    with pytest.raises(NotFound):
        get_store(user=viewer, store_id=store.pk, action="edit")


# -- what a store carries ------------------------------------------------------------------------


@pytest.fixture
def linked(store, catalog):
    store.categories.add(catalog["shoes"], catalog["misc"])
    store.attributes.add(catalog["colour"])
    return store


def test_carried_items(linked, catalog, company):
    gone = Product.objects.create(company=company, name="Gone", is_deleted=True)
    gone.categories.add(catalog["shoes"])
    assert carried_category_ids(store=linked) == {catalog["shoes"].pk}
    assert carried_product_ids(store=linked) == {catalog["boot"].pk}
    linked.categories.add(catalog["hats"])
    assert carried_product_ids(store=linked) == {
        catalog["boot"].pk,
        catalog["cap"].pk,
        catalog["tee"].pk,
    }
    assert list(carried_variations(store=linked)) == [catalog["tee_red"]]


def test_product_in_two_carried_categories_once(linked, catalog):
    catalog["boot"].categories.add(catalog["hats"])
    linked.categories.add(catalog["hats"])
    assert sorted(p.name for p in carried_variations(store=linked)) == ["Tee red"]
    from backroom.stores.selectors import carried_products

    assert sorted(p.name for p in carried_products(store=linked)) == ["Boot", "Cap", "Tee"]


def test_link_screen_rows(linked, catalog):
    rows = {c.name: (c.is_linked, c.is_carried) for c in list_store_categories(store=linked)}
    assert rows == {
        "Shoes": (True, True),
        "Misc": (True, False),
        "Hats": (False, False),
    }
    attributes = {a.name: a.is_linked for a in list_store_attributes(store=linked)}
    assert attributes == {"Colour": True, "Size": False}


def test_status_counts_waiting_items(linked, catalog):
    def put(kind, item, version, confirmed):
        SyncState.objects.create(
            store=linked,
            kind=kind,
            item_id=item.pk,
            version=version,
            served_version=confirmed,
            confirmed_version=confirmed,
        )

    put("category", catalog["shoes"], 2, 2)  # confirmed
    put("term", catalog["red"], 3, 2)  # changed since
    put("product", catalog["boot"], 1, 1)  # confirmed
    status = store_status(store=linked)
    assert status.waiting == {
        "category": 0,
        "attribute": 1,
        "term": 2,
        "product": 0,
        "variation": 0,
    }
    assert (status.last_call_at, status.last_catalog_sync_at, status.last_orders_sync_at) == (
        None,
        None,
        None,
    )
    assert status.recent_errors == ()


# -- translations --------------------------------------------------------------------------------


def test_nothing_missing_in_the_company_language(linked):
    assert list_missing_translations(store=linked) == {
        "category": [],
        "attribute": [],
        "term": [],
        "product": [],
    }


def test_missing_translations_in_the_store_language(linked, catalog):
    Store.objects.filter(pk=linked.pk).update(language="DE")
    linked.refresh_from_db()
    CategoryTranslation.objects.create(category=catalog["shoes"], language="DE", name="Schuhe")
    AttributeTranslation.objects.create(attribute=catalog["colour"], language="DE", name="")
    AttributeTranslation.objects.create(attribute=catalog["colour"], language="FR", name="Couleur")
    ProductTranslation.objects.create(product=catalog["boot"], language="FR", name="Botte")
    missing = list_missing_translations(store=linked)
    assert {kind: [item.name for item in items] for kind, items in missing.items()} == {
        "category": [],
        "attribute": ["Colour"],
        "term": ["Blue", "Red"],
        "product": ["Boot"],
    }


def test_selectors_of_a_store_stay_in_its_company(store, catalog, other_company, owner):
    department = Department.objects.create(company=other_company, name="D")
    theirs = Store.objects.create(
        company=other_company,
        name="Theirs",
        language="EN",
        regular_price_type=PriceType.objects.create(company=other_company, name="R"),
        orders_department=department,
        order_creator=owner,
        created_by=owner,
    )
    assert list(list_store_categories(store=theirs)) == []
    assert carried_product_ids(store=theirs) == set()
