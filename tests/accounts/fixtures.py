"""Fixtures for tenancy tests: one row of every business model per company, named with a tag so
that a page can be searched for another tenant's data."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from backroom.accounts.models import Membership, User
from backroom.accounts.services import create_api_token
from backroom.catalog.models import (
    Attribute,
    AttributeTranslation,
    Category,
    CategoryTranslation,
    DefaultAttribute,
    Image,
    PriceType,
    Product,
    ProductAttribute,
    ProductImage,
    ProductPrice,
    ProductTranslation,
    Term,
    TermTranslation,
    VariationAttribute,
)
from backroom.companies.models import Company, Department, DocumentCounter
from backroom.customers.models import Customer
from backroom.inventory.models import Reservation, StockDocument, StockDocumentLine, StockLevel
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.stores.journal import record_call
from backroom.stores.models import HeldOrder, Store, SyncState

RIVAL = "RIVALMARK"
"""In every text of the rival account's rows: a page that shows it has leaked."""


@dataclass
class CompanyData:
    company: Company
    department: Department
    price_type: PriceType
    image: Image
    category: Category
    attribute: Attribute
    term: Term
    product: Product
    variable: Product
    variation: Product
    product_price: ProductPrice
    product_attribute: ProductAttribute
    customer: Customer
    store: Store
    order: CustomerOrder
    order_line: OrderLine
    reservation: Reservation
    stock_document: StockDocument
    stock_line: StockDocumentLine
    stock_level: StockLevel
    held_order: HeldOrder

    def rows(self) -> list:
        """One row of every model that the admin lists, with its model."""
        return [getattr(self, name) for name in self.__dataclass_fields__]


def build_company_data(company: Company, *, tag: str, creator: User) -> CompanyData:
    """One row of each business model in `company`, every text carrying `tag`."""
    department = Department.objects.create(company=company, name=f"{tag} depot")
    price_type = PriceType.objects.create(company=company, name=f"{tag} retail")
    image = Image.objects.create(company=company, source_url=f"https://example.com/{tag}.png")
    category = Category.objects.create(
        company=company, name=f"{tag} clothing", slug=f"{tag.lower()}-clothing"
    )
    CategoryTranslation.objects.create(category=category, language="DE", name=f"{tag} Kleidung")
    attribute = Attribute.objects.create(company=company, name=f"{tag} colour")
    AttributeTranslation.objects.create(attribute=attribute, language="DE", name=f"{tag} Farbe")
    term = Term.objects.create(attribute=attribute, name=f"{tag} red")
    TermTranslation.objects.create(term=term, language="DE", name=f"{tag} rot")
    product = Product.objects.create(company=company, name=f"{tag} mug", sku=f"{tag}-mug")
    product.categories.add(category)
    ProductTranslation.objects.create(product=product, language="DE", name=f"{tag} Becher")
    ProductImage.objects.create(product=product, image=image)
    product_price = ProductPrice.objects.create(
        product=product, price_type=price_type, value=Decimal("12.50")
    )
    variable = Product.objects.create(
        company=company, name=f"{tag} shirt", sku=f"{tag}-shirt", type=Product.Type.VARIABLE
    )
    product_attribute = ProductAttribute.objects.create(
        product=variable, attribute=attribute, used_for_variations=True
    )
    product_attribute.terms.add(term)
    DefaultAttribute.objects.create(product=variable, attribute=attribute, term=term)
    variation = Product.objects.create(
        company=company,
        name=f"{tag} shirt red",
        sku=f"{tag}-shirt-red",
        type=Product.Type.VARIATION,
        parent=variable,
    )
    VariationAttribute.objects.create(variation=variation, attribute=attribute, term=term)
    customer = Customer.objects.create(
        company=company, name=f"{tag} buyer", email=f"{tag}@example.com"
    )
    store = Store.objects.create(
        company=company,
        name=f"{tag} webshop",
        language="EN",
        regular_price_type=price_type,
        orders_department=department,
        order_creator=creator,
        created_by=creator,
    )
    order = CustomerOrder.objects.create(
        company=company,
        number=1,
        customer=customer,
        department=department,
        created_by=creator,
        note=f"{tag} order",
        total=Decimal("25.00"),
    )
    order_line = OrderLine.objects.create(
        order=order,
        product=product,
        name=f"{tag} mug",
        quantity=Decimal(2),
        price=Decimal("12.50"),
        total=Decimal("25.00"),
    )
    stock_document = StockDocument.objects.create(
        company=company,
        department=department,
        kind=StockDocument.Kind.RECEIPT,
        number=1,
        is_completed=True,
        note=f"{tag} receipt",
    )
    stock_line = StockDocumentLine.objects.create(
        document=stock_document, product=product, quantity=Decimal(5)
    )
    stock_level = StockLevel.objects.create(
        product=product, department=department, on_hand=Decimal(5)
    )
    reservation = Reservation.objects.create(
        order_line=order_line, product=product, department=department, quantity=Decimal(2)
    )
    DocumentCounter.objects.create(company=company, kind=f"{tag}-counter", last_number=1)
    SyncState.objects.create(store=store, kind=SyncState.Kind.PRODUCT, item_id=product.pk)
    record_call(store=store, endpoint="isLetSync", error=f"{tag} refused")
    create_api_token(user=creator, name=f"{tag} token")
    held_order = HeldOrder.objects.create(
        store=store,
        store_order_id=9001,
        payload_digest="0" * 64,
        payload={"id": 9001, "billing": {"first_name": f"{tag} guest"}},
        reason=f"{tag}: no product of this store has WooCommerce id 77.",
        last_tried_at=timezone.now(),
    )
    return CompanyData(
        company=company,
        department=department,
        price_type=price_type,
        image=image,
        category=category,
        attribute=attribute,
        term=term,
        product=product,
        variable=variable,
        variation=variation,
        product_price=product_price,
        product_attribute=product_attribute,
        customer=customer,
        store=store,
        order=order,
        order_line=order_line,
        reservation=reservation,
        stock_document=stock_document,
        stock_line=stock_line,
        stock_level=stock_level,
        held_order=held_order,
    )


@pytest.fixture
def acme_data(company, owner) -> CompanyData:
    return build_company_data(company, tag="Acme", creator=owner)


@pytest.fixture
def sister_data(other_company, owner) -> CompanyData:
    """The same account's second company."""
    return build_company_data(other_company, tag="Sister", creator=owner)


@pytest.fixture
def rival_owner(foreign_company) -> User:
    user = User.objects.create_user(
        username="rival-owner", password="rival-pass-123", is_staff=True
    )
    Membership.objects.create(
        user=user, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    return user


@pytest.fixture
def rival_data(foreign_company, rival_owner) -> CompanyData:
    """Another account's rows: nothing of them may reach `account`'s users."""
    return build_company_data(foreign_company, tag=RIVAL, creator=rival_owner)
