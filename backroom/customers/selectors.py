"""Reads of customers: finding the customer an incoming buyer is."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from backroom.companies.models import Company
from backroom.companies.selectors import require_in_company
from backroom.customers.models import Customer
from backroom.customers.normalize import normalize_email, normalize_phone

if TYPE_CHECKING:  # stores sit above customers: imported for types only
    from backroom.stores.models import Store


class MatchReason(StrEnum):
    """Why find_customer chose a customer, strongest first."""

    STORE_CUSTOMER_ID = "store_customer_id"
    EMAIL = "email"
    PHONE = "phone"


def find_customer(
    *,
    company: Company,
    store: Store | None = None,
    store_customer_id: int | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> tuple[Customer, MatchReason] | None:
    """The company's customer that a buyer is, and why: first by the store's customer id, then by
    normalised e-mail, then by phone in E.164 (national numbers read in the company's country).
    When several customers share an e-mail or phone, the oldest wins, so the answer is stable.
    None when nothing matches. At most three queries."""
    require_in_company(company=company, store=store)
    customers = Customer.objects.filter(company=company).order_by("id")
    if store is not None and store_customer_id is not None:
        customer = customers.filter(store=store, store_customer_id=store_customer_id).first()
        if customer:
            return customer, MatchReason.STORE_CUSTOMER_ID
    if email_normalized := normalize_email(email):
        customer = customers.filter(email_normalized=email_normalized).first()
        if customer:
            return customer, MatchReason.EMAIL
    if phone_normalized := normalize_phone(phone, region=company.country or None):
        customer = customers.filter(phone_normalized=phone_normalized).first()
        if customer:
            return customer, MatchReason.PHONE
    return None
