"""Order intake: an order that arrives from a sales channel (an online store) becomes a customer
order exactly once, on the right customer, with its stock reserved when the channel says so.

Store-agnostic: the channel's own format is read elsewhere (stores.woo_orders reads WooCommerce's)
into an IncomingOrder whose lines already name their products. Here live the rules that hold
whatever the channel: identity by (store, store order id), repeats that only follow the status,
the customer choice, the shipment date, the totals check and the auto-reserve.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from backroom.companies.errors import WrongCompany
from backroom.customers.errors import InvalidCustomer
from backroom.customers.locks import buyer_keys, lock_buyer_keys
from backroom.customers.models import Customer
from backroom.customers.normalize import clean_text
from backroom.customers.selectors import find_customer
from backroom.customers.services import create_customer
from backroom.inventory.services import release_reservations, reserve_order_lines
from backroom.orders.errors import InvalidOrder, OrderNotImported
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.orders.services import NewOrderLine, create_order, storable_json
from backroom.stores.models import Store

if TYPE_CHECKING:
    from backroom.catalog.models import Product

logger = logging.getLogger(__name__)

CLOSING_STATUSES = frozenset(
    {CustomerOrder.Status.CANCELLED, CustomerOrder.Status.REFUNDED, CustomerOrder.Status.FAILED}
)
"""An order in one of these holds no stock: it reserves nothing, and moving into one releases."""

ATTEMPTS = 3
"""Tries of one order when a concurrent writer wins a unique key (the same order, or the same
new buyer, at the same moment): the next try finds what the winner wrote."""

_REASON_LIMIT = 1000  # stores.HeldOrder.reason
_LINE_NAME_LIMIT = OrderLine._meta.get_field("name").max_length
_STORE_NUMBER_LIMIT = CustomerOrder._meta.get_field("store_order_number").max_length
_CUSTOMER_LIMITS = {
    name: Customer._meta.get_field(name).max_length for name in ("name", "email", "phone")
}
_LINE_FIELD = re.compile(r"lines\[(\d+)\]\.(\w+)")
_FIELD_WORDS = {
    "quantity": "the quantity",
    "price": "the price",
    "total": "the total (quantity x price)",
    "store_total": "the store's line total",
    "name": "the name",
    "store_line_id": "the store's line id",
    "product_match": "how the product was found",
    "currency": "the currency",
    "status": "the status",
    "store_order_id": "the store's order id",
    "store_order_number": "the store's order number",
    "store_created_at": "the date it was placed",
    "store_totals": "the store's totals",
    "store_payload": "the order's data",
    "customer_reason": "why the customer was chosen",
}


@dataclass(frozen=True)
class Buyer:
    """Who placed the order, as the channel tells it. Texts as given (cleaned on use)."""

    name: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    billing_address: dict = field(default_factory=dict)
    shipping_address: dict = field(default_factory=dict)
    store_customer_id: int | None = None
    """The buyer's customer id in the store; None for a guest."""


@dataclass(frozen=True)
class IncomingLine:
    """A line whose product is known: `quantity` units at `price` each (Decimal)."""

    product: Product
    product_match: str
    """How the product was found: an OrderLine.ProductMatch value."""
    quantity: Decimal
    price: Decimal
    name: str = ""
    store_line_id: int | None = None
    store_total: Decimal | None = None
    """The line's total as the store computed it (kept, and compared)."""


@dataclass(frozen=True)
class IncomingOrder:
    store_order_id: int
    status: str
    """A CustomerOrder.Status value."""
    buyer: Buyer
    lines: tuple[IncomingLine, ...]
    store_order_number: str = ""
    store_created_at: datetime | None = None
    """When the order was placed, aware (UTC)."""
    order_date: date | None = None
    """The shop's own calendar day of the order: the shipment date counts from it."""
    currency: str = ""
    store_totals: dict[str, str] = field(default_factory=dict)
    """The store's figures as decimal texts: total, total_tax, shipping_total, discount_total..."""
    note: str = ""
    payload: dict = field(default_factory=dict)
    """The order exactly as the store sent it."""


class IntakeOutcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    """The order was there already and nothing a repeat may change had changed."""
    STATUS_CHANGED = "status_changed"


@dataclass(frozen=True)
class Intake:
    order: CustomerOrder
    outcome: IntakeOutcome


def intake_order(*, store: Store, incoming: IncomingOrder) -> Intake:
    """The customer order for `incoming` from `store`: created once, or found again.

    A new order gets its customer (found, created or the store's default), its department and
    creator from the store, a shipment date, its lines, and, when the store auto-reserves and
    the status is open, its stock reserved; all of it in one transaction (a savepoint inside
    the caller's), so nothing is left behind when anything fails. An order seen before only
    follows the store's status (see _follow_status). Raises OrderNotImported with a sentence
    for the shop owner when the order cannot be imported; nothing is written then.

    For the advisory locks to be short, each order should be in its own transaction. Load the
    store with its company, orders_department, order_creator and default_customer to spare
    their queries."""
    order_id = incoming.store_order_id
    if not isinstance(order_id, int) or isinstance(order_id, bool) or not 0 < order_id < 2**63:
        raise OrderNotImported(f"The order's id in the store ({order_id!r}) is not usable.")
    if incoming.status not in CustomerOrder.Status.values:
        raise OrderNotImported(f"Backroom does not know the order status {incoming.status!r}.")
    if store.orders_department_id is None:  # the connection's rules forbid it; checked anyway
        raise OrderNotImported(
            "The connection has no orders department: choose one on the connection page."
        )
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _intake_once(store, incoming)
        except IntegrityError:
            # A concurrent writer won a unique key (this order, or this new buyer); its
            # transaction has ended, so the next try finds what it wrote.
            logger.info(
                "Order %s of store %s met a concurrent import (try %s of %s).",
                incoming.store_order_id,
                store.pk,
                attempt,
                ATTEMPTS,
            )
    raise OrderNotImported(
        "Other imports of this order or of its buyer were running at the same moment, "
        f"{ATTEMPTS} times in a row; it will be tried again with the next orders of the store."
    )


def _intake_once(store: Store, incoming: IncomingOrder) -> Intake:
    buyer = incoming.buyer
    keys = buyer_keys(
        company=store.company,
        store=store,
        store_customer_id=_store_customer_id(buyer),
        email=buyer.email,
        phone=buyer.phone,
    )
    # Before looking: an order of the same buyer being imported now ends first, and is seen.
    lock_buyer_keys(company=store.company, keys=keys)
    existing = (
        CustomerOrder.objects.select_for_update()
        .filter(store=store, store_order_id=incoming.store_order_id)
        .first()
    )
    if existing is not None:
        return _follow_status(existing, store, status=incoming.status, payload=incoming.payload)
    customer, reason = _choose_customer(store, incoming)
    order = _create(store, incoming, customer, reason)
    if store.auto_reserve and order.status not in CLOSING_STATUSES:
        lines = list(order.lines.all())
        reserve_order_lines(
            lines=[(line, line.quantity) for line in lines], department=order.department
        )
    return Intake(order=order, outcome=IntakeOutcome.CREATED)


def follow_store_status(
    *, store: Store, store_order_id: int, status: str, payload: dict
) -> Intake | None:
    """A repeat of an order imported before: its status follows the store's (_follow_status),
    whatever else the payload holds (a line whose product is no longer linked does not keep a
    cancellation from releasing stock). None when the store's order is not in Backroom yet."""
    if status not in CustomerOrder.Status.values:
        raise OrderNotImported(f"Backroom does not know the order status {status!r}.")
    with transaction.atomic(savepoint=False):  # the row lock needs a transaction
        order = (
            CustomerOrder.objects.select_for_update()
            .filter(store=store, store_order_id=store_order_id)
            .first()
        )
        if order is None:
            return None
        return _follow_status(order, store, status=status, payload=payload)


def _follow_status(order: CustomerOrder, store: Store, *, status: str, payload: dict) -> Intake:
    """A repeat changes nothing but the status, and only when the store's status changed since
    it last sent the order (so a cancellation made in Backroom is not undone by the store
    sending the order again); it keeps the newest payload with it. Moving into a closing status
    releases the order's reservations; moving out of one, back to an open status, reserves
    again (each line its full quantity, in the order's department) when the store
    auto-reserves."""
    if order.store_status == status:
        return Intake(order=order, outcome=IntakeOutcome.UNCHANGED)
    try:
        kept = storable_json(payload) if payload else None
    except ValueError as error:
        reason = _sentence(f"The order's data cannot be kept: {_lower(str(error))}")
        raise OrderNotImported(reason) from None
    was_closed = order.status in CLOSING_STATUSES
    order.status = order.store_status = status
    order.store_payload = kept
    order.save(update_fields=["status", "store_status", "store_payload", "changed_at"])
    closes = order.status in CLOSING_STATUSES
    if closes and not was_closed:
        release_reservations(lines=order.lines.all())
    elif was_closed and not closes and store.auto_reserve:
        lines = list(order.lines.all())
        reserve_order_lines(
            lines=[(line, line.quantity) for line in lines], department=order.department
        )
    return Intake(order=order, outcome=IntakeOutcome.STATUS_CHANGED)


def _choose_customer(store: Store, incoming: IncomingOrder) -> tuple[Customer, str]:
    """The order's customer and why: the buyer found (store customer id, e-mail, phone), else
    a new customer or the store's default one, as the store says. Never changes a customer."""
    buyer = incoming.buyer
    found = find_customer(
        company=store.company,
        store=store,
        store_customer_id=_store_customer_id(buyer),
        email=buyer.email,
        phone=buyer.phone,
    )
    if found is not None:
        customer, match = found
        return customer, CustomerOrder.CustomerReason(match.value)
    if store.if_customer_not_found == Store.IfCustomerNotFound.USE_DEFAULT:
        if store.default_customer_id is None:
            raise OrderNotImported(
                "The buyer is not a known customer and the connection has no default customer: "
                "choose one on the connection page."
            )
        return store.default_customer, CustomerOrder.CustomerReason.DEFAULT
    try:
        customer = create_customer(company=store.company, **_new_customer(store, incoming))
    except InvalidCustomer as error:
        faults = "; ".join(
            f"the {field.replace('_', ' ')}: {_lower(reason)}"
            for field, reason in error.errors.items()
        )
        raise OrderNotImported(
            _sentence(f"The buyer cannot be kept as a new customer: {faults}")
        ) from None
    return customer, CustomerOrder.CustomerReason.CREATED


def _new_customer(store: Store, incoming: IncomingOrder) -> dict:
    """create_customer's arguments for a buyer not found: the person's name, else the company,
    else the name the order ships to, else the e-mail or phone, else the order itself. E-mail
    and phone as given, dropped when too long to keep (a shorter one would be a wrong one)."""
    buyer = incoming.buyer
    person, organisation = clean_text(buyer.name), clean_text(buyer.organisation)
    email, phone = clean_text(buyer.email), clean_text(buyer.phone)
    email = email if len(email) <= _CUSTOMER_LIMITS["email"] else ""
    phone = phone if len(phone) <= _CUSTOMER_LIMITS["phone"] else ""
    order_number = clean_text(incoming.store_order_number) or str(incoming.store_order_id)
    name = (
        person
        or organisation
        or _address_name(buyer.shipping_address)
        or email
        or phone
        or f"Buyer of {store.name} order {order_number}"
    )
    kind = Customer.Kind.ORGANISATION if organisation and not person else Customer.Kind.PERSON
    store_customer_id = _store_customer_id(buyer)
    return {
        "name": name[: _CUSTOMER_LIMITS["name"]],
        "kind": kind,
        "email": email,
        "phone": phone,
        "billing_address": buyer.billing_address,
        "shipping_address": buyer.shipping_address,
        "store": store,
        "store_customer_id": store_customer_id,
    }


def _address_name(address: object) -> str:
    """ "first last" of an address snapshot (WooCommerce's keys, which other channels share)."""
    if not isinstance(address, dict):
        return ""
    parts = (address.get("first_name"), address.get("last_name"))
    return " ".join(clean_text(part) for part in parts if isinstance(part, str)).strip()


def _store_customer_id(buyer: Buyer) -> int | None:
    """The buyer's id in the store, when it is one (a guest has none; 0 is WooCommerce's guest)."""
    value = buyer.store_customer_id
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    return None


def _create(
    store: Store, incoming: IncomingOrder, customer: Customer, reason: str
) -> CustomerOrder:
    """The order itself, with create_order's refusals told as reasons for the shop owner."""
    lines = [
        NewOrderLine(
            product=line.product,
            quantity=line.quantity,
            price=line.price,
            # Names and numbers are labels (the store keeps the truth): cut, never refused.
            name=clean_text(line.name)[:_LINE_NAME_LIMIT],
            product_match=line.product_match,
            store_line_id=line.store_line_id,
            store_total=line.store_total,
        )
        for line in incoming.lines
    ]
    try:
        return create_order(
            company=store.company,
            customer=customer,
            department=store.orders_department,
            created_by=store.order_creator,
            lines=lines,
            status=incoming.status,
            shipment_date=_shipment_date(store, incoming),
            store=store,
            store_order_id=incoming.store_order_id,
            billing_address=incoming.buyer.billing_address,
            shipping_address=incoming.buyer.shipping_address,
            currency=incoming.currency,
            note=incoming.note,
            customer_reason=reason,
            store_order_number=clean_text(incoming.store_order_number)[:_STORE_NUMBER_LIMIT],
            store_created_at=incoming.store_created_at,
            store_totals=incoming.store_totals,
            store_payload=incoming.payload or None,
        )
    except InvalidOrder as error:
        raise OrderNotImported(_describe_faults(error.errors, incoming)) from None
    except WrongCompany as error:
        raise OrderNotImported(_describe_wrong_company(error, store)) from None


def _shipment_date(store: Store, incoming: IncomingOrder) -> date:
    """The order's day (the shop's calendar, else the UTC day it was placed, else today) plus
    the store's days to shipment."""
    if incoming.order_date is not None:
        day = incoming.order_date
    elif incoming.store_created_at is not None:
        day = incoming.store_created_at.astimezone(UTC).date()
    else:
        day = timezone.localdate()
    try:
        return day + timedelta(days=store.days_to_shipment)
    except OverflowError:
        raise OrderNotImported(
            f"The order's date ({day.isoformat()}) is too far in the future for a shipment date."
        ) from None


def _describe_faults(errors: dict[str, str], incoming: IncomingOrder) -> str:
    """create_order's faults as one sentence, each line named by position, name and SKU."""
    faults = []
    for field_name, reason in errors.items():
        reason = _lower(reason)
        if match := _LINE_FIELD.fullmatch(field_name):
            index, part = int(match[1]), match[2]
            faults.append(
                f"line {index + 1} ({_line_label(incoming.lines[index])}), "
                f"{_FIELD_WORDS.get(part, part)}: {reason}"
            )
        else:
            faults.append(f"{_FIELD_WORDS.get(field_name, field_name)}: {reason}")
    return _sentence("Backroom cannot store this order as the store sent it: " + "; ".join(faults))


def _line_label(line: IncomingLine) -> str:
    name = clean_text(line.name) or line.product.name
    sku = f", SKU {line.product.sku}" if line.product.sku else ""
    return f"{name[:80]}{sku}"


def _describe_wrong_company(error: WrongCompany, store: Store) -> str:
    """Why a setting of the connection (or a product found for a line) is not the company's."""
    if error.field == "user":
        return _sentence(
            f"The connection's order creator ({store.order_creator}) is no longer a member of "
            "the company's account: choose another creator on the connection page"
        )
    if error.field == "customer":
        return _sentence(
            "The connection's default customer belongs to another company: choose another one "
            "on the connection page"
        )
    if error.field == "department":
        return _sentence(
            "The connection's orders department belongs to another company: choose another one "
            "on the connection page"
        )
    return _sentence(f"The order names a {error.field} of another company")


def _lower(reason: str) -> str:
    """A service's "At most 10 characters." as a clause: "at most 10 characters"."""
    reason = reason.rstrip(".")
    return reason[:1].lower() + reason[1:]


def _sentence(text: str) -> str:
    """`text` ended with a full stop, and short enough to be kept with a held order."""
    text = text.rstrip(".") + "."
    if len(text) > _REASON_LIMIT:
        text = text[: _REASON_LIMIT - 1] + "…"
    return text
