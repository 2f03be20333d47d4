"""Writes of customers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backroom.companies.models import Company
from backroom.companies.selectors import require_in_company
from backroom.customers.errors import InvalidCustomer
from backroom.customers.models import Customer
from backroom.customers.normalize import clean_json, clean_text

if TYPE_CHECKING:  # stores sit above customers: imported for types only
    from backroom.stores.models import Store

_MAX_ADDRESS_CHARS = 10_000


def create_customer(
    *,
    company: Company,
    name: str,
    kind: str = Customer.Kind.PERSON,
    email: str = "",
    phone: str = "",
    billing_address: dict | None = None,
    shipping_address: dict | None = None,
    store: Store | None = None,
    store_customer_id: int | None = None,
) -> Customer:
    """A new customer of `company`. Texts lose control characters (which PostgreSQL would refuse
    and no one means) and surrounding spaces; e-mail and phone are kept as given and also stored
    normalised for matching. InvalidCustomer names every field that cannot be stored."""
    require_in_company(company=company, store=store)
    name, email, phone = clean_text(name), clean_text(email), clean_text(phone)
    errors = {}
    if not name:
        errors["name"] = "A name is required."
    for field, value in (("name", name), ("email", email), ("phone", phone)):
        limit = Customer._meta.get_field(field).max_length
        if len(value) > limit:
            errors[field] = f"At most {limit} characters."
    if kind not in Customer.Kind.values:
        errors["kind"] = f"One of {', '.join(Customer.Kind.values)}."
    if store_customer_id is not None and store is None:
        errors["store_customer_id"] = "A store customer id needs its store."
    addresses = {
        "billing_address": billing_address or {},
        "shipping_address": shipping_address or {},
    }
    for field, address in addresses.items():
        if not isinstance(address, dict):
            errors[field] = "An address is a mapping of fields to texts."
        elif len(str(address)) > _MAX_ADDRESS_CHARS:
            errors[field] = f"At most {_MAX_ADDRESS_CHARS} characters."
    if errors:
        raise InvalidCustomer(errors)
    return Customer.objects.create(
        company=company,
        kind=kind,
        name=name,
        email=email,
        phone=phone,
        store=store,
        store_customer_id=store_customer_id if store else None,
        **{field: clean_json(address) for field, address in addresses.items()},
    )
