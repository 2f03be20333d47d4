"""The demo: an account with one company, its departments and price types, an admin, and a
small catalog with stock, built through the same services a user's actions go through.

Building it again finds what the first run made and changes nothing (the ids stay the same), so
`backroom demo` is safe to run before every `backroom serve`. The demo is recognised by its
admin's user name.

The catalog is the project's own: `data/catalog.csv` in WooCommerce's export layout, loaded by the
WooCommerce importer (its Stock column is received into the Warehouse), `data/translations-de.json`
for the German texts, and SHOP_FLOOR_STOCK for the second department.

Two online-store connections come with it, one per language ("Demo Shop EN", "Demo Shop DE"),
each allowing calls from this machine (127.0.0.1 and ::1) and carrying the whole catalog, so a
WooCommerce test site with the plugin can connect at once. Their keys are printed: that is the
point of a demo, and a second run prints the same keys.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Sum

from backroom.accounts.models import Account, User
from backroom.accounts.services import create_account
from backroom.catalog.importers.woocommerce_csv import import_woocommerce_csv
from backroom.catalog.models import Attribute, Category, PriceType, Product, Term
from backroom.catalog.services import save_translation
from backroom.companies.models import Company, Department
from backroom.core.numbers import quantize_quantity
from backroom.inventory.models import StockLevel
from backroom.inventory.services import set_on_hand
from backroom.stores.errors import StoreKeyUnavailable, StoreLimitReached
from backroom.stores.models import Store
from backroom.stores.selectors import store_api_url
from backroom.stores.services import (
    StoreInput,
    create_store,
    link_attributes,
    link_categories,
    regenerate_key,
    restore_stores,
    reveal_key,
    update_store,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_CSV = DATA_DIR / "catalog.csv"
TRANSLATIONS_JSON = DATA_DIR / "translations-de.json"

ACCOUNT_NAME = "Demo"
COMPANY_NAME = "Demo Shop"
ADMIN_USERNAME = "demo-admin"
ADMIN_EMAIL = "demo-admin@example.com"
ADMIN_PASSWORD = "demo-admin-2026"  # noqa: S105 - a demo's published login, reset on every run
WAREHOUSE = "Warehouse"
SHOP_FLOOR = "Shop floor"
RETAIL = "Retail"
SALE = "Sale"
STORE_NAME = "Demo Shop {language}"
STORE_ADDRESSES = ["127.0.0.1", "::1"]

SHOP_FLOOR_STOCK = {
    "demo-tshirt-red-m": Decimal(4),
    "demo-tshirt-blue-m": Decimal(2),
    "demo-hoodie-red-m": Decimal(1),
    "demo-tote": Decimal(10),
    "demo-beanie": Decimal(5),
    "demo-mug": Decimal(12),
    "demo-candle": Decimal(6),
}
"""On-hand in the Shop floor per SKU; the Warehouse gets the CSV's Stock column."""


class DemoError(Exception):
    """The demo cannot be built here (for example, the admin's name is taken by a real user)."""


@dataclass(frozen=True)
class Demo:
    account: Account
    company: Company
    admin: User
    password: str
    departments: dict[str, Department]
    price_types: dict[str, PriceType]
    translation_language: str
    catalog: dict[str, int]
    stock: dict[str, Decimal]
    stores: list[tuple[Store, str]]
    """Each connection and its key in clear."""

    def as_json(self) -> dict:
        return {
            "admin": {"username": self.admin.username, "password": self.password},
            "account_id": self.account.pk,
            "company_id": self.company.pk,
            "departments": {name: department.pk for name, department in self.departments.items()},
            "price_types": {name: price_type.pk for name, price_type in self.price_types.items()},
            "languages": [self.company.language, self.translation_language],
            "catalog": self.catalog,
            "stock": {name: str(units) for name, units in self.stock.items()},
            "stores": [
                {
                    "id": store.pk,
                    "name": store.name,
                    "language": store.language,
                    "api_url": store_api_url(),
                    "secret_key": key,
                }
                for store, key in self.stores
            ],
        }


def build_demo() -> Demo:
    """Create the demo, or bring an existing one back to its published state, in one
    transaction: a failure leaves nothing half-made."""
    with transaction.atomic():
        account, company, admin = _ensure_account()
        departments = {
            name: _ensure_department(company=company, name=name) for name in (WAREHOUSE, SHOP_FLOOR)
        }
        price_types = {
            name: _ensure_price_type(company=company, name=name) for name in (RETAIL, SALE)
        }
        _import_catalog(
            company=company,
            retail=price_types[RETAIL],
            sale=price_types[SALE],
            warehouse=departments[WAREHOUSE],
            admin=admin,
        )
        _stock_shop_floor(company=company, department=departments[SHOP_FLOOR], admin=admin)
        language = _translate_catalog(company=company)
        stores = [
            _ensure_store(
                company=company,
                admin=admin,
                language=store_language,
                departments=departments,
                price_types=price_types,
            )
            for store_language in (company.language, language)
        ]
    return Demo(
        account=account,
        company=company,
        admin=admin,
        password=ADMIN_PASSWORD,
        departments=departments,
        price_types=price_types,
        translation_language=language,
        catalog=_count_catalog(company=company),
        stock={name: _units_on_hand(department=d) for name, d in departments.items()},
        stores=stores,
    )


def _ensure_account() -> tuple[Account, Company, User]:
    """The demo account, company and admin: made by `create_account` the first time, found by the
    admin's user name afterwards. The admin's password is set back to the published one if it
    was changed, so the login that `backroom demo` prints always works (an unchanged one is
    left alone: re-hashing it would sign the admin out everywhere)."""
    admin = (
        User.objects.filter(username=ADMIN_USERNAME).select_related("membership__account").first()
    )
    if admin is None:
        account, company, admin = create_account(
            name=ACCOUNT_NAME,
            owner_username=ADMIN_USERNAME,
            owner_password=ADMIN_PASSWORD,
            owner_email=ADMIN_EMAIL,
            company_name=COMPANY_NAME,
            company_language="EN",
            company_country="GB",
            company_time_zone="Europe/London",
        )
    else:
        membership = getattr(admin, "membership", None)
        company = (
            membership.account.companies.filter(name=COMPANY_NAME).first() if membership else None
        )
        if company is None or not membership.is_owner:
            raise DemoError(
                f"A user named {ADMIN_USERNAME!r} exists but does not own a company "
                f"{COMPANY_NAME!r}: this database holds something else. Use another "
                "BACKROOM_DATA_DIR or DATABASE_URL for the demo."
            )
        account = membership.account
    changed = []
    if not admin.check_password(ADMIN_PASSWORD):
        admin.set_password(ADMIN_PASSWORD)
        changed.append("password")
    if not admin.is_staff:
        admin.is_staff = True
        changed.append("is_staff")
    if changed:
        admin.save(update_fields=changed)
    return account, company, admin


def _ensure_department(*, company: Company, name: str) -> Department:
    department, _ = Department.objects.get_or_create(company=company, name=name)
    return department


def _ensure_price_type(*, company: Company, name: str) -> PriceType:
    price_type, _ = PriceType.objects.get_or_create(company=company, name=name)
    return price_type


def _ensure_store(
    *,
    company: Company,
    admin: User,
    language: str,
    departments: dict[str, Department],
    price_types: dict[str, PriceType],
) -> tuple[Store, str]:
    """The demo's connection in `language`, with its key: made by create_store the first time,
    found by name afterwards and brought back to the published settings (restored if deleted;
    unchanged settings are not written). Its key stays the same unless it can no longer be
    read (the key secret changed), when a new one is made. Every category and attribute of the
    company is linked (links already there keep their sync state)."""
    data = StoreInput(
        company_id=company.pk,
        name=STORE_NAME.format(language=language),
        language=language,
        allowed_addresses=STORE_ADDRESSES,
        is_let_sync=True,
        regular_price_type_id=price_types[RETAIL].pk,
        sale_price_type_id=price_types[SALE].pk,
        orders_department_id=departments[WAREHOUSE].pk,
        order_creator_id=admin.pk,
        if_customer_not_found=Store.IfCustomerNotFound.CREATE_NEW,
        default_customer_id=None,
        days_to_shipment=1,
        auto_reserve=False,
        department_ids=[department.pk for department in departments.values()],
    )
    store = Store.objects.filter(company=company, name=data.name).order_by("pk").first()
    try:
        if store is None:
            store, key = create_store(user=admin, data=data)
        else:
            restore_stores(user=admin, store_ids=[store.pk])
            store = update_store(user=admin, store_id=store.pk, data=data).store
            try:
                key = reveal_key(user=admin, store_id=store.pk)
            except StoreKeyUnavailable:
                key = regenerate_key(user=admin, store_id=store.pk)
    except StoreLimitReached as error:
        raise DemoError(f"The demo account cannot have another connection: {error}") from None
    category_ids = list(Category.objects.filter(company=company).values_list("pk", flat=True))
    link_categories(user=admin, store_ids=[store.pk], category_ids=category_ids, mode="add")
    attribute_ids = list(Attribute.objects.filter(company=company).values_list("pk", flat=True))
    link_attributes(user=admin, store_ids=[store.pk], attribute_ids=attribute_ids, mode="add")
    return store, key


def _import_catalog(
    *, company: Company, retail: PriceType, sale: PriceType, warehouse: Department, admin: User
) -> None:
    """Load data/catalog.csv; the importer matches by SKU, path and name, so a second run changes
    nothing. Any rejected row is a bug in the demo's own data."""
    report = import_woocommerce_csv(
        company=company,
        source=CATALOG_CSV,
        regular_price_type=retail,
        sale_price_type=sale,
        department=warehouse,
        user=admin,
    )
    if report.rejected or report.skipped:
        lines = "\n".join(f"  {problem}" for problem in report.rejected + report.skipped)
        raise DemoError(f"The demo catalog has rows the importer rejected:\n{lines}")


def _stock_shop_floor(*, company: Company, department: Department, admin: User) -> None:
    products = {p.sku: p for p in Product.objects.filter(company=company, sku__in=SHOP_FLOOR_STOCK)}
    missing = sorted(set(SHOP_FLOOR_STOCK) - set(products))
    if missing:
        raise DemoError(f"The demo catalog lacks SKUs the Shop floor stocks: {', '.join(missing)}")
    set_on_hand(
        department=department,
        quantities={products[sku]: quantity for sku, quantity in SHOP_FLOOR_STOCK.items()},
        user=admin,
        note="Demo stock",
    )


def _translate_catalog(*, company: Company) -> str:
    """Save the texts of data/translations-de.json; returns their language."""
    data = json.loads(TRANSLATIONS_JSON.read_text(encoding="utf-8"))
    language = data["language"]
    for path, texts in data["categories"].items():
        save_translation(
            item=_category_by_path(company=company, path=path), language=language, **texts
        )
    attributes = {
        a.name: a for a in Attribute.objects.filter(company=company, name__in=data["attributes"])
    }
    for name, texts in data["attributes"].items():
        save_translation(item=attributes[name], language=language, **texts)
    for attribute_name, terms in data["terms"].items():
        by_name = {t.name: t for t in Term.objects.filter(attribute=attributes[attribute_name])}
        for name, texts in terms.items():
            save_translation(item=by_name[name], language=language, **texts)
    products = {p.sku: p for p in Product.objects.filter(company=company, sku__in=data["products"])}
    for sku, texts in data["products"].items():
        save_translation(item=products[sku], language=language, **_with_html(texts))
    return language


def _with_html(texts: dict[str, str]) -> dict[str, str]:
    """The importer keeps WooCommerce's descriptions as HTML as well as plain text (stores get
    the HTML), so a translated description fills both."""
    html = {
        f"{name}_html": texts[name]
        for name in ("description", "short_description")
        if name in texts
    }
    return {**texts, **html}


def _count_catalog(*, company: Company) -> dict[str, int]:
    products = Product.objects.filter(company=company, is_deleted=False)
    return {
        "categories": Category.objects.filter(company=company).count(),
        "attributes": Attribute.objects.filter(company=company).count(),
        "terms": Term.objects.filter(attribute__company=company).count(),
        "products": products.filter(parent__isnull=True).count(),
        "variations": products.filter(parent__isnull=False).count(),
    }


def _units_on_hand(*, department: Department) -> Decimal:
    levels = StockLevel.objects.filter(department=department)
    return quantize_quantity(levels.aggregate(total=Sum("on_hand"))["total"] or Decimal(0))


def _category_by_path(*, company: Company, path: str) -> Category:
    category = None
    for name in (part.strip() for part in path.split(">")):
        category = Category.objects.get(company=company, parent=category, name=name)
    return category
