"""What a store carries (link / unlink one by one and in bulk) and the translation screens in
the store's language."""

import pytest

from backroom.catalog.models import Attribute, Category, CategoryTranslation, ProductTranslation
from backroom.stores.models import SyncState
from tests.conftest import make_user
from tests.stores.web.conftest import ALL_OWN, signed_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def linked(response, kind: str) -> dict[str, bool]:
    rows = response.context["category_rows" if kind == "categories" else "attribute_rows"]
    return {row["label"]: row["item"].is_linked for row in rows}


# -- one store ----------------------------------------------------------------------------------


def test_catalog_page_lists_the_company_items_with_their_links(owner_client, store, catalog):
    store.categories.add(catalog["shoes"], catalog["misc"])
    store.attributes.add(catalog["colour"])
    Category.objects.create(company=store.company, name="Boots", parent=catalog["shoes"])

    response = owner_client.get(f"/stores/{store.pk}/catalog/")

    assert response.status_code == 200
    assert linked(response, "categories") == {
        "Hats": False,
        "Misc": True,
        "Shoes": True,
        "Shoes › Boots": False,
    }
    assert linked(response, "attributes") == {"Colour": True, "Size": False}
    assert response.context["carried"] == {
        "categories": 1,
        "products": 1,
        "attributes": 1,
        "terms": 2,
    }
    assert "Not marked as an online-store category" in response.content.decode()


def test_link_and_unlink_one_category(owner_client, store, catalog):
    misc = catalog["misc"]

    linked_now = owner_client.post(
        f"/stores/{store.pk}/catalog/categories/",
        {"item_id": misc.pk, "action": "link"},
        **HTMX,
    )

    assert linked_now.status_code == 200
    assert 'id="categories-' in linked_now.content.decode()
    assert ">Unlink<" in linked_now.content.decode()
    assert list(store.categories.all()) == [misc]
    misc.refresh_from_db()
    assert misc.is_store_category  # linking says "offer this"

    unlinked = owner_client.post(
        f"/stores/{store.pk}/catalog/categories/", {"item_id": misc.pk, "action": "unlink"}
    )

    assert unlinked.status_code == 302  # without JavaScript: back to the page
    assert list(store.categories.all()) == []


def test_unlinking_an_attribute_forgets_its_sync_rows_linking_keeps_them(
    owner_client, store, catalog
):
    colour = catalog["colour"]
    store.attributes.add(colour)
    SyncState.objects.create(store=store, kind="attribute", item_id=colour.pk, woo_id=77)

    owner_client.post(f"/stores/{store.pk}/catalog/attributes/", {"item_id": colour.pk})
    assert SyncState.objects.get(kind="attribute").woo_id == 77  # linking again keeps it

    owner_client.post(
        f"/stores/{store.pk}/catalog/attributes/", {"item_id": colour.pk, "action": "unlink"}
    )
    assert not SyncState.objects.filter(kind="attribute").exists()


def test_viewer_sees_links_but_cannot_change_them(viewer_client, store, catalog):
    page = viewer_client.get(f"/stores/{store.pk}/catalog/")
    refused = viewer_client.post(
        f"/stores/{store.pk}/catalog/categories/", {"item_id": catalog["misc"].pk}
    )

    assert page.status_code == 200
    assert ">Link<" not in page.content.decode()
    assert refused.status_code == 403
    assert not store.categories.exists()


@pytest.mark.parametrize("item_id", ["", "abc", "-1", "99999999999999999999999"])
def test_junk_item_ids_are_not_found(owner_client, store, item_id):
    response = owner_client.post(f"/stores/{store.pk}/catalog/categories/", {"item_id": item_id})

    assert response.status_code == 404


def test_items_of_other_companies_are_not_found(
    owner_client, store, other_company, foreign_company
):
    for company in (other_company, foreign_company):
        category = Category.objects.create(company=company, name="Elsewhere")

        response = owner_client.post(
            f"/stores/{store.pk}/catalog/categories/", {"item_id": category.pk}
        )

        assert response.status_code == 404
    assert not store.categories.exists()


def test_unknown_kind_and_foreign_store_are_not_found(owner_client, rival_client, store, catalog):
    assert (
        owner_client.post(f"/stores/{store.pk}/catalog/products/", {"item_id": 1}).status_code
        == 404
    )
    assert rival_client.get(f"/stores/{store.pk}/catalog/").status_code == 404
    assert (
        rival_client.post(
            f"/stores/{store.pk}/catalog/categories/", {"item_id": catalog["shoes"].pk}
        ).status_code
        == 404
    )


# -- in bulk ------------------------------------------------------------------------------------


@pytest.fixture
def two_stores(make_store):
    return make_store(name="Shop EN"), make_store(name="Shop DE", language="DE")


def bulk(client, **data):
    return client.post("/stores/links/", data, follow=True)


def test_bulk_add_reports_real_counts(owner_client, two_stores, catalog):
    en, de = two_stores
    en.categories.add(catalog["shoes"])

    response = bulk(
        owner_client,
        store_ids=[en.pk, de.pk],
        category_ids=[catalog["shoes"].pk, catalog["hats"].pk],
        attribute_ids=[catalog["size"].pk],
        mode="add",
    )

    page = response.content.decode()
    assert "Categories: 3 link(s) added, 0 removed in 2 connection(s)." in page
    assert "Attributes: 2 link(s) added, 0 removed in 2 connection(s)." in page
    assert (
        set(en.categories.all())
        == set(de.categories.all())
        == {
            catalog["shoes"],
            catalog["hats"],
        }
    )


def test_bulk_replace_and_remove(owner_client, two_stores, catalog):
    en, de = two_stores
    en.categories.add(catalog["shoes"], catalog["misc"])
    en.attributes.add(catalog["colour"])

    replaced = bulk(
        owner_client, store_ids=[en.pk], category_ids=[catalog["hats"].pk], mode="replace"
    )

    assert "Categories: 1 link(s) added, 2 removed in 1 connection(s)." in replaced.content.decode()
    assert list(en.categories.all()) == [catalog["hats"]]
    assert list(en.attributes.all()) == [catalog["colour"]]  # nothing of that kind chosen

    removed = bulk(
        owner_client, store_ids=[en.pk], attribute_ids=[catalog["colour"].pk], mode="remove"
    )

    assert "Attributes: 0 link(s) added, 1 removed in 1 connection(s)." in removed.content.decode()
    assert not en.attributes.exists()


def test_bulk_needs_an_explicit_choice_and_something_to_do(owner_client, two_stores, catalog):
    en, _ = two_stores

    no_mode = bulk(owner_client, store_ids=[en.pk], category_ids=[catalog["hats"].pk])
    no_items = bulk(owner_client, store_ids=[en.pk], mode="add")
    no_stores = bulk(owner_client, category_ids=[catalog["hats"].pk], mode="add")
    bad_mode = bulk(owner_client, store_ids=[en.pk], category_ids=[catalog["hats"].pk], mode="x")

    assert "Choose what to do: add, replace or remove." in no_mode.content.decode()
    assert "Choose at least one category or attribute." in no_items.content.decode()
    assert "Choose at least one connection." in no_stores.content.decode()
    assert "Choose what to do: add, replace or remove." in bad_mode.content.decode()
    assert not en.categories.exists()


def test_bulk_refuses_stores_of_two_companies(owner_client, make_store, other_company, catalog):
    one = make_store(name="Acme")
    two = make_store(name="Wholesale", company=other_company)

    response = bulk(
        owner_client, store_ids=[one.pk, two.pk], category_ids=[catalog["hats"].pk], mode="add"
    )

    assert "Choose connections of one company." in response.content.decode()
    assert not one.categories.exists()


def test_bulk_with_foreign_ids_is_not_found(owner_client, two_stores, foreign_company, catalog):
    en, _ = two_stores
    theirs = Attribute.objects.create(company=foreign_company, name="Theirs")

    response = owner_client.post(
        "/stores/links/", {"store_ids": [en.pk], "attribute_ids": [theirs.pk], "mode": "add"}
    )

    assert response.status_code == 404
    assert not en.attributes.exists()


def test_bulk_is_all_or_nothing(owner_client, two_stores, catalog, foreign_company):
    en, _ = two_stores
    theirs = Attribute.objects.create(company=foreign_company, name="Theirs")

    owner_client.post(
        "/stores/links/",
        {
            "store_ids": [en.pk],
            "category_ids": [catalog["hats"].pk],
            "attribute_ids": [theirs.pk],
            "mode": "add",
        },
    )

    assert not en.categories.exists()


def test_bulk_page_needs_edit_rights(viewer_client):
    assert viewer_client.get("/stores/links/").status_code == 403


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999999", "%00"])
def test_bulk_page_takes_any_company_parameter(owner_client, value):
    assert owner_client.get(f"/stores/links/?company={value}").status_code == 200


# -- translations -------------------------------------------------------------------------------


@pytest.fixture
def german(make_store, catalog):
    store = make_store(name="Shop DE", language="DE")
    store.categories.add(catalog["shoes"], catalog["hats"])
    store.attributes.add(catalog["colour"])
    CategoryTranslation.objects.create(category=catalog["shoes"], language="DE", name="Schuhe")
    return store


def test_overview_lists_what_lacks_a_name_in_the_store_language(owner_client, german, catalog):
    response = owner_client.get(f"/stores/{german.pk}/translations/")

    kinds = {
        k["slug"]: (k["total"], [i.name for i in k["missing"]]) for k in response.context["kinds"]
    }
    assert kinds == {
        "categories": (2, ["Hats"]),
        "attributes": (1, ["Colour"]),
        "terms": (2, ["Blue", "Red"]),
        "products": (3, ["Boot", "Cap", "Tee"]),
    }
    assert "Colour: Red" in response.content.decode()


def test_store_in_the_company_language_needs_no_translation(owner_client, store, catalog):
    store.categories.add(catalog["shoes"])

    response = owner_client.get(f"/stores/{store.pk}/translations/")
    edit = owner_client.get(f"/stores/{store.pk}/translations/categories/")

    assert 'data-testid="same-language"' in response.content.decode()
    assert "Save translations" not in edit.content.decode()


def test_edit_page_shows_each_field_beside_its_base_text(owner_client, german, catalog):
    response = owner_client.get(f"/stores/{german.pk}/translations/categories/")

    rows = {row["label"]: row for row in response.context["rows"]}
    shoes = {f["name"]: (f["base"], f["value"]) for f in rows["Shoes"]["fields"]}
    assert shoes["name"] == ("Shoes", "Schuhe")
    assert shoes["description"] == ("", "")
    assert f'name="t-{catalog["hats"].pk}-name"' in response.content.decode()


def test_saving_writes_only_what_changed(owner_client, german, catalog):
    hats, shoes = catalog["hats"], catalog["shoes"]

    response = owner_client.post(
        f"/stores/{german.pk}/translations/categories/",
        {
            f"t-{hats.pk}-name": " Hüte ",
            f"t-{hats.pk}-slug": "huete",
            f"t-{hats.pk}-description": "",
            f"t-{shoes.pk}-name": "Schuhe",
            f"t-{shoes.pk}-slug": "",
            f"t-{shoes.pk}-description": "",
        },
        follow=True,
    )

    assert "Translations saved: 1." in response.content.decode()
    assert CategoryTranslation.objects.get(category=hats, language="DE").name == "Hüte"
    assert CategoryTranslation.objects.count() == 2
    overview = owner_client.get(f"/stores/{german.pk}/translations/")
    assert overview.context["kinds"][0]["missing"] == []


def test_untouched_empty_items_make_no_rows(owner_client, german, catalog):
    owner_client.post(f"/stores/{german.pk}/translations/products/", {})

    assert not ProductTranslation.objects.exists()


def test_a_refused_translation_says_why_on_its_item(owner_client, german, catalog):
    hats = catalog["hats"]

    response = owner_client.post(
        f"/stores/{german.pk}/translations/categories/",
        {f"t-{hats.pk}-name": "Hüte", f"t-{hats.pk}-slug": "not a slug!"},
    )

    rows = {row["label"]: row for row in response.context["rows"]}
    assert response.status_code == 200
    assert rows["Hats"]["errors"]
    assert not CategoryTranslation.objects.filter(category=hats).exists()


def test_only_missing_filter(owner_client, german):
    response = owner_client.get(f"/stores/{german.pk}/translations/categories/?missing=1")

    assert [row["label"] for row in response.context["rows"]] == ["Hats"]


def test_terms_page_names_their_attribute(owner_client, german, catalog):
    response = owner_client.get(f"/stores/{german.pk}/translations/terms/")

    assert [row["label"] for row in response.context["rows"]] == ["Colour: Blue", "Colour: Red"]


def test_translating_needs_catalog_edit_rights(account, company, german, catalog):
    stores_only = make_user(account, company, username="storesonly", permissions=ALL_OWN)
    client = signed_in(stores_only)

    page = client.get(f"/stores/{german.pk}/translations/categories/")
    refused = client.post(
        f"/stores/{german.pk}/translations/categories/",
        {f"t-{catalog['hats'].pk}-name": "Hüte"},
    )

    assert page.status_code == 200
    assert "Save translations" not in page.content.decode()
    assert "readonly" in page.content.decode()
    assert refused.status_code == 403
    assert not CategoryTranslation.objects.filter(category=catalog["hats"]).exists()


@pytest.mark.parametrize(
    "query", ["page=abc", "page=-1", "page=99999999999999999999", "missing=%00"]
)
def test_translation_pages_take_any_parameter(owner_client, german, query):
    assert (
        owner_client.get(f"/stores/{german.pk}/translations/products/?{query}").status_code == 200
    )


def test_translation_pages_of_foreign_stores_or_unknown_kinds_are_not_found(
    owner_client, rival_client, german
):
    assert rival_client.get(f"/stores/{german.pk}/translations/").status_code == 404
    assert rival_client.get(f"/stores/{german.pk}/translations/categories/").status_code == 404
    assert owner_client.get(f"/stores/{german.pk}/translations/orders/").status_code == 404


def test_linking_by_htmx_updates_the_carried_counts(client, owner, company):
    """The row comes back with the "Carried now" line swapped out of band, so the page never
    shows a stale count."""
    from backroom.catalog.models import Category
    from tests.api.conftest import make_store

    store = make_store(company, owner)
    shoes = Category.objects.create(company=company, name="Shoes")
    client.force_login(owner)
    response = client.post(
        f"/stores/{store.pk}/catalog/categories/",
        {"item_id": shoes.pk, "action": "link"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert 'id="carried"' in content and 'hx-swap-oob="true"' in content
    assert "Carried now: 1 category · 0 products · 0 attributes · 0 terms" in content


def test_bulk_links_say_everything_missing_at_once_and_preselect_the_store(client, owner, company):
    from tests.api.conftest import make_store

    store = make_store(company, owner)
    client.force_login(owner)
    page = client.get(f"/stores/links/?company={company.pk}&store_ids={store.pk}")
    assert page.context["chosen"]["store_ids"] == {str(store.pk)}
    content = client.post("/stores/links/", {"company": company.pk}).content.decode()
    for message in (
        "Choose what to do: add, replace or remove.",
        "Choose at least one connection.",
        "Choose at least one category or attribute.",
    ):
        assert message in content
