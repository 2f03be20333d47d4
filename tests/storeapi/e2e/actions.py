"""Edits made to a served Backroom's data from a test, run inside `backroom shell` on that
data (Site.action): each goes through the service a user's edit goes through, so it marks what
the stores must see the way the screens do. Products are named by SKU in the demo company;
results are JSON-friendly."""

from __future__ import annotations

from decimal import Decimal

from backroom.accounts.models import User
from backroom.catalog.models import Category, PriceType, Product
from backroom.catalog.services import (
    create_category,
    set_product_categories,
    set_product_prices,
    update_product,
)
from backroom.companies.models import Company, Department
from backroom.demo.builder import ADMIN_USERNAME, COMPANY_NAME
from backroom.inventory.services import set_on_hand
from backroom.stores.models import Store, SyncState
from backroom.stores.services import StoreInput, update_store

ARCHIVE = "Archive (not in any store)"


def _company() -> Company:
    return Company.objects.get(name=COMPANY_NAME)


def _product(sku: str) -> Product:
    return Product.objects.get(company=_company(), sku=sku)


def product_ids(*, skus: list[str]) -> dict[str, int]:
    """Backroom's ids (the crm_ids the store sees) of these SKUs."""
    rows = Product.objects.filter(company=_company(), sku__in=skus)
    return {row.sku: row.pk for row in rows}


def set_stock(*, sku: str, department: str, quantity: str) -> int:
    """On-hand of the product in the department, through stock documents."""
    department_row = Department.objects.get(company=_company(), name=department)
    documents = set_on_hand(
        department=department_row, quantities={_product(sku): Decimal(quantity)}, note="e2e"
    )
    return len(documents)


def set_price(*, sku: str, price_type: str, value: str | None) -> bool:
    row = PriceType.objects.get(company=_company(), name=price_type)
    return set_product_prices(
        product=_product(sku), prices={row: None if value is None else Decimal(value)}
    )


def rename(*, sku: str, name: str) -> bool:
    return update_product(product=_product(sku), name=name)


def move_out_of_stores(*, sku: str) -> bool:
    """Put the product in a category no store carries (and in no other)."""
    company = _company()
    archive = Category.objects.filter(company=company, parent=None, name=ARCHIVE).first()
    if archive is None:
        archive = create_category(company=company, name=ARCHIVE)
    return set_product_categories(product=_product(sku), categories=[archive])


def woo_id(*, store_id: int, sku: str) -> int | None:
    """The store's id for the product as Backroom keeps it (None when it has none)."""
    product = _product(sku)
    kind = SyncState.Kind.VARIATION if product.parent_id else SyncState.Kind.PRODUCT
    state = SyncState.objects.filter(
        store=Store.objects.get(pk=store_id), kind=kind, item_id=product.pk
    ).first()
    return state.woo_id if state else None


def use_own_regular_prices(*, store_id: int, price_type: str, prices: dict[str, str]) -> bool:
    """Give the store a regular price type of its own (made here, as the demo makes its price
    types), with these prices by SKU; the store is saved through update_store as the connection
    screen saves it. Returns whether its catalog was marked for re-sync."""
    company = _company()
    row, _ = PriceType.objects.get_or_create(company=company, name=price_type)
    for sku, value in prices.items():
        set_product_prices(product=_product(sku), prices={row: Decimal(value)})
    store = Store.objects.get(pk=store_id, company=company)
    data = StoreInput(
        company_id=company.pk,
        name=store.name,
        language=store.language,
        allowed_addresses=store.allowed_addresses,
        is_let_sync=store.is_let_sync,
        regular_price_type_id=row.pk,
        sale_price_type_id=store.sale_price_type_id,
        orders_department_id=store.orders_department_id,
        order_creator_id=store.order_creator_id,
        if_customer_not_found=store.if_customer_not_found,
        default_customer_id=store.default_customer_id,
        days_to_shipment=store.days_to_shipment,
        auto_reserve=store.auto_reserve,
        department_ids=list(store.departments.values_list("pk", flat=True)),
    )
    admin = User.objects.get(username=ADMIN_USERNAME)
    return update_store(user=admin, store_id=store.pk, data=data).resync
