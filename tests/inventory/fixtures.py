"""Fixtures for stock: products of the test company and a helper to put stock in place."""

from decimal import Decimal

import pytest

from backroom.catalog.models import Product
from backroom.inventory.models import StockLevel


@pytest.fixture
def widget(company) -> Product:
    return Product.objects.create(company=company, name="Widget", sku="W-1")


@pytest.fixture
def gadget(company) -> Product:
    return Product.objects.create(company=company, name="Gadget", sku="G-1")


@pytest.fixture
def foreign_product(foreign_company) -> Product:
    return Product.objects.create(company=foreign_company, name="Rival widget", sku="W-1")


def on_hand(product, department) -> Decimal:
    """On-hand as stored, Decimal(0) when there is no row."""
    level = StockLevel.objects.filter(product=product, department=department).first()
    return level.on_hand if level else Decimal(0)
