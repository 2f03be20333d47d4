"""`backroom demo`: what it makes, that it can run twice, and that its printed login works."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from backroom.accounts.models import Account, Membership, User
from backroom.catalog.models import (
    Attribute,
    AttributeTranslation,
    Category,
    CategoryTranslation,
    PriceType,
    Product,
    ProductAttribute,
    ProductPrice,
    ProductTranslation,
    Term,
    TermTranslation,
    VariationAttribute,
)
from backroom.companies.models import Company, Department
from backroom.inventory.models import StockDocument, StockDocumentLine, StockLevel
from backroom.stores.models import Store, SyncState

D = Decimal

WAREHOUSE_STOCK = {
    "demo-tshirt-red-s": D(12),
    "demo-tshirt-red-m": D(20),
    "demo-tshirt-blue-m": D(8),
    "demo-tshirt-green": D(5),
    "demo-hoodie-red-m": D(6),
    "demo-hoodie-blue-l": D(4),
    "demo-tote": D(30),
    "demo-beanie": D(15),
    "demo-mug": D(40),
    "demo-candle": D(25),
}
SHOP_FLOOR_STOCK = {
    "demo-tshirt-red-m": D(4),
    "demo-tshirt-blue-m": D(2),
    "demo-hoodie-red-m": D(1),
    "demo-tote": D(10),
    "demo-beanie": D(5),
    "demo-mug": D(12),
    "demo-candle": D(6),
}
COUNTED = [
    Account, Membership, User, Company, Department, PriceType, Category, Attribute, Term, Product,
    ProductAttribute, VariationAttribute, ProductPrice, CategoryTranslation, AttributeTranslation,
    TermTranslation, ProductTranslation, StockLevel, StockDocument, StockDocumentLine, Store,
    SyncState,
]  # fmt: skip


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> dict:
    return json.loads(run_demo("--json"))


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def on_hand(department_id: int) -> dict[str, Decimal]:
    levels = StockLevel.objects.filter(department_id=department_id, on_hand__gt=0)
    return {level.product.sku: level.on_hand for level in levels.select_related("product")}


def prices(company_id: int) -> dict[tuple[str, str], Decimal]:
    rows = ProductPrice.objects.filter(product__company_id=company_id)
    return {
        (p.product.sku, p.price_type.name): p.value
        for p in rows.select_related("product", "price_type")
    }


def category_paths(company_id: int) -> set[str]:
    def path(category: Category) -> str:
        return f"{path(category.parent)} > {category.name}" if category.parent else category.name

    return {
        path(c)
        for c in Category.objects.filter(company_id=company_id).select_related("parent__parent")
    }


def test_json_names_the_rows_it_made(demo):
    company = Company.objects.get(pk=demo["company_id"])
    assert demo["admin"] == {"username": "demo-admin", "password": "demo-admin-2026"}
    assert Account.objects.get(pk=demo["account_id"]).name == "Demo"
    assert (company.name, company.account_id, company.language, company.country) == (
        "Demo Shop", demo["account_id"], "EN", "GB",
    )  # fmt: skip
    assert set(demo["departments"]) == {"Warehouse", "Shop floor"}
    assert set(demo["price_types"]) == {"Retail", "Sale"}
    for name, pk in demo["departments"].items():
        assert Department.objects.filter(pk=pk, name=name, company=company).exists()
    for name, pk in demo["price_types"].items():
        assert PriceType.objects.filter(pk=pk, name=name, company=company).exists()
    assert demo["languages"] == ["EN", "DE"]
    assert demo["catalog"] == {
        "categories": 5, "attributes": 2, "terms": 6, "products": 6, "variations": 6,
    }  # fmt: skip
    assert demo["stock"] == {"Warehouse": "165.000", "Shop floor": "40.000"}
    assert demo["url"] == "http://127.0.0.1:8000/"


def test_admin_owns_the_account_and_signs_in(demo, client):
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and not admin.is_superuser
    assert admin.membership.is_owner and admin.membership.account_id == demo["account_id"]
    assert client.login(username="demo-admin", password="demo-admin-2026")
    assert client.get("/admin/").status_code == 200


def test_second_run_finds_the_same_rows_and_changes_nothing(demo):
    company_id = demo["company_id"]

    def state():
        password_hash = User.objects.get(username="demo-admin").password
        stock = {name: on_hand(pk) for name, pk in demo["departments"].items()}
        stores = list(Store.objects.order_by("pk").values())
        return counts(), prices(company_id), stock, password_hash, stores

    before = state()

    again = json.loads(run_demo("--json"))

    assert again == demo
    assert state() == before


def test_second_run_sets_the_admin_password_back(demo, client):
    admin = User.objects.get(username="demo-admin")
    admin.set_password("changed-by-someone-9")
    admin.save()

    run_demo()

    assert client.login(username="demo-admin", password="demo-admin-2026")


def test_the_addresses_follow_the_public_url(db, settings):
    """`./dev run --port 8123` sets BACKROOM_PUBLIC_URL: the demo tells the port it serves on."""
    settings.BACKROOM_PUBLIC_URL = "http://127.0.0.1:8123"

    out = run_demo()

    assert "Sign in at http://127.0.0.1:8123/ (when" in out
    assert "Online stores (Store API address http://127.0.0.1:8123/api/public/woo_v3):" in out
    assert "8000" not in out


def test_summary_prints_the_login_and_the_address(db):
    out = run_demo()

    assert "user name: demo-admin" in out
    assert "password:  demo-admin-2026" in out
    assert "http://127.0.0.1:8000/" in out
    assert "Warehouse (id " in out and "Shop floor (id " in out
    assert "Stock:       Warehouse 165 units, Shop floor 40 units" in out


def test_catalog_tree_attributes_and_types(demo):
    company_id = demo["company_id"]
    assert category_paths(company_id) == {
        "Clothing", "Clothing > T-shirts", "Clothing > Hoodies", "Accessories", "Home",
    }  # fmt: skip
    terms = {
        attribute.name: [term.name for term in attribute.terms.order_by("pk")]
        for attribute in Attribute.objects.filter(company_id=company_id)
    }
    assert terms == {"Colour": ["Red", "Green", "Blue"], "Size": ["S", "M", "L"]}
    products = Product.objects.filter(company_id=company_id)
    assert sorted(products.filter(type="simple").values_list("sku", flat=True)) == [
        "demo-beanie", "demo-candle", "demo-mug", "demo-tote",
    ]  # fmt: skip
    variations = {
        parent.sku: sorted(parent.variations.values_list("sku", flat=True))
        for parent in products.filter(type="variable")
    }
    assert variations == {
        "demo-tshirt": [
            "demo-tshirt-blue-m", "demo-tshirt-green", "demo-tshirt-red-m", "demo-tshirt-red-s",
        ],
        "demo-hoodie": ["demo-hoodie-blue-l", "demo-hoodie-red-m"],
    }  # fmt: skip


def test_variations_have_their_terms_and_any(demo):
    def chosen(sku: str) -> dict[str, str | None]:
        rows = VariationAttribute.objects.filter(
            variation__company_id=demo["company_id"], variation__sku=sku
        ).select_related("attribute", "term")
        return {row.attribute.name: row.term.name if row.term else None for row in rows}

    assert chosen("demo-tshirt-red-s") == {"Colour": "Red", "Size": "S"}
    assert chosen("demo-hoodie-blue-l") == {"Colour": "Blue", "Size": "L"}
    assert chosen("demo-tshirt-green") == {"Colour": "Green", "Size": None}


def test_prices_in_both_price_types(demo):
    assert prices(demo["company_id"]) == {
        ("demo-tshirt-red-s", "Retail"): D("15.00"), ("demo-tshirt-red-s", "Sale"): D("12.00"),
        ("demo-tshirt-red-m", "Retail"): D("15.00"),
        ("demo-tshirt-blue-m", "Retail"): D("15.00"),
        ("demo-tshirt-green", "Retail"): D("16.50"), ("demo-tshirt-green", "Sale"): D("13.90"),
        ("demo-hoodie-red-m", "Retail"): D("45.00"), ("demo-hoodie-red-m", "Sale"): D("39.00"),
        ("demo-hoodie-blue-l", "Retail"): D("45.00"),
        ("demo-tote", "Retail"): D("12.50"),
        ("demo-beanie", "Retail"): D("18.00"), ("demo-beanie", "Sale"): D("14.50"),
        ("demo-mug", "Retail"): D("9.90"),
        ("demo-candle", "Retail"): D("14.00"), ("demo-candle", "Sale"): D("11.00"),
    }  # fmt: skip


def test_every_text_has_a_german_translation(demo):
    company = Company.objects.get(pk=demo["company_id"])

    def untranslated(items, translations) -> list[str]:
        german = set(translations.filter(language="DE").exclude(name="").values_list(
            translations.model._meta.get_field(items.model._meta.model_name).attname, flat=True
        ))  # fmt: skip
        return [str(item) for item in items if item.pk not in german]

    assert untranslated(company.categories.all(), CategoryTranslation.objects) == []
    assert untranslated(company.attributes.all(), AttributeTranslation.objects) == []
    assert (
        untranslated(Term.objects.filter(attribute__company=company), TermTranslation.objects) == []
    )
    assert untranslated(company.products.all(), ProductTranslation.objects) == []
    assert company.categories.count() == 5 and company.products.count() == 12


def test_german_and_english_texts(demo):
    company_id = demo["company_id"]
    mug = Product.objects.get(company_id=company_id, sku="demo-mug")
    assert (mug.name, mug.short_description) == (
        "Ceramic Mug",
        "A stoneware mug that holds 350 ml.",
    )
    german = mug.translations.get(language="DE")
    assert (german.name, german.short_description) == (
        "Keramikbecher",
        "Ein Steinzeugbecher für 350 ml.",
    )
    clothing = Category.objects.get(company_id=company_id, parent=None, name="Clothing")
    assert clothing.translations.get(language="DE").name == "Kleidung"
    size = Attribute.objects.get(company_id=company_id, name="Size")
    assert size.translations.get(language="DE").name == "Größe"
    green = Term.objects.get(attribute__company_id=company_id, name="Green")
    assert green.translations.get(language="DE").name == "Grün"


def test_stock_in_both_departments(demo):
    assert on_hand(demo["departments"]["Warehouse"]) == WAREHOUSE_STOCK
    assert on_hand(demo["departments"]["Shop floor"]) == SHOP_FLOOR_STOCK
    receipts = StockDocument.objects.filter(company_id=demo["company_id"], kind="receipt")
    assert all(document.is_completed for document in receipts)


def test_a_foreign_user_with_the_admins_name_is_left_alone(db):
    User.objects.create_user(username="demo-admin", password="someone-else-123")

    with pytest.raises(CommandError, match="does not own a company 'Demo Shop'"):
        run_demo()

    assert not Account.objects.exists()
    assert User.objects.get(username="demo-admin").check_password("someone-else-123")


# -- online stores -------------------------------------------------------------------------------


def test_two_stores_with_keys_that_find_them(demo):
    from backroom.stores.keys import looks_like_key
    from backroom.stores.services import find_store_by_key

    assert [(s["name"], s["language"]) for s in demo["stores"]] == [
        ("Demo Shop EN", "EN"),
        ("Demo Shop DE", "DE"),
    ]
    for entry in demo["stores"]:
        assert set(entry) == {"id", "name", "language", "api_url", "secret_key"}
        assert entry["api_url"] == "http://127.0.0.1:8000/api/public/woo_v3"
        assert looks_like_key(entry["secret_key"])
        assert find_store_by_key(entry["secret_key"]).pk == entry["id"]
    assert demo["stores"][0]["secret_key"] != demo["stores"][1]["secret_key"]


def test_store_settings(demo):
    from backroom.stores.models import Store

    admin = User.objects.get(username="demo-admin")
    for entry in demo["stores"]:
        store = Store.objects.get(pk=entry["id"])
        assert (
            store.company_id,
            store.allowed_addresses,
            store.is_let_sync,
            store.regular_price_type_id,
            store.sale_price_type_id,
            store.orders_department_id,
            store.order_creator_id,
            store.created_by_id,
            store.if_customer_not_found,
            store.is_deleted,
        ) == (
            demo["company_id"],
            ["127.0.0.1", "::1"],
            True,
            demo["price_types"]["Retail"],
            demo["price_types"]["Sale"],
            demo["departments"]["Warehouse"],
            admin.pk,
            admin.pk,
            "create_new",
            False,
        )
        assert set(store.departments.values_list("pk", flat=True)) == set(
            demo["departments"].values()
        )
        assert store.categories.count() == 5
        assert not store.categories.filter(is_store_category=False).exists()
        assert sorted(store.attributes.values_list("name", flat=True)) == ["Colour", "Size"]


def test_stores_carry_the_whole_catalog(demo):
    from backroom.stores.models import Store
    from backroom.stores.selectors import carried_products, carried_variations

    for entry in demo["stores"]:
        store = Store.objects.get(pk=entry["id"])
        assert carried_products(store=store).count() == 6
        assert carried_variations(store=store).count() == 6


def test_second_run_keeps_keys_and_sync_state(demo):
    from backroom.stores.models import Store, SyncState

    store = Store.objects.get(pk=demo["stores"][0]["id"])
    category = store.categories.first()
    SyncState.objects.create(store=store, kind="category", item_id=category.pk, woo_id=77)

    again = json.loads(run_demo("--json"))

    assert again["stores"] == demo["stores"]
    assert SyncState.objects.get(store=store, item_id=category.pk).woo_id == 77
    assert Store.objects.count() == 2


def test_second_run_restores_and_resets_a_changed_store(demo):
    from backroom.stores.models import Store

    Store.objects.filter(pk=demo["stores"][1]["id"]).update(
        is_deleted=True, name="Demo Shop DE", allowed_addresses=["10.0.0.1"], is_let_sync=False
    )

    again = json.loads(run_demo("--json"))

    assert again["stores"] == demo["stores"]
    store = Store.objects.get(pk=demo["stores"][1]["id"])
    assert (store.is_deleted, store.allowed_addresses, store.is_let_sync) == (
        False,
        ["127.0.0.1", "::1"],
        True,
    )


def test_new_key_when_the_old_one_cannot_be_read(demo, settings):
    from backroom.stores.services import find_store_by_key

    settings.BACKROOM_STORE_KEY_SECRET = "a secret the demo did not use"

    again = json.loads(run_demo("--json"))

    assert [s["id"] for s in again["stores"]] == [s["id"] for s in demo["stores"]]
    for old, new in zip(demo["stores"], again["stores"], strict=True):
        assert new["secret_key"] != old["secret_key"]
        assert find_store_by_key(new["secret_key"]).pk == new["id"]


def test_public_url_setting_gives_the_api_url(db, settings):
    settings.BACKROOM_PUBLIC_URL = "https://crm.example.com"

    demo = json.loads(run_demo("--json"))

    assert {s["api_url"] for s in demo["stores"]} == {"https://crm.example.com/api/public/woo_v3"}


def test_summary_lists_the_stores_and_their_keys(db):
    out = run_demo()
    demo = json.loads(run_demo("--json"))

    assert "Online stores (Store API address http://127.0.0.1:8000/api/public/woo_v3):" in out
    for entry in demo["stores"]:
        assert f"{entry['name']} (id {entry['id']}, {entry['language']}), key " in out
        assert entry["secret_key"] in out
