"""Fixtures for customers."""

import pytest

from backroom.customers.models import Customer


@pytest.fixture
def customer(company) -> Customer:
    return Customer.objects.create(
        company=company, name="Ann Smith", email="Ann@Example.com", phone="07700 900123"
    )
