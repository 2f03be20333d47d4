"""Errors of the stores app, with stable codes, and every message a user can get about a
connection document (tests, forms and the JSON API all read these constants).

`NotFound` and `NotAllowed` are the accounts app's: one "not found" for a missing id, another
account's id and a company the user may not see.
"""

from __future__ import annotations

from backroom.accounts.errors import NotAllowed, NotFound

__all__ = [
    "NotAllowed",
    "NotFound",
    "StoreError",
    "StoreInvalid",
    "StoreLimitReached",
    "StoreKeyUnavailable",
]

# -- field messages (StoreInput field -> these) ------------------------------------------------

COMPANY_REQUIRED = "Choose a company."
COMPANY_UNKNOWN = "Choose one of your companies."
COMPANY_NOT_ALLOWED = "You may not create online-store connections in this company."
COMPANY_CANNOT_CHANGE = "The company of a connection cannot change."

NAME_REQUIRED = "Enter a name."
NAME_TOO_LONG = "Use at most 250 characters."
NAME_CONTROL_CHARACTERS = "The name cannot contain control characters."

LANGUAGE_REQUIRED = "Enter the store's language."
LANGUAGE_INVALID = "Use exactly two letters, such as EN."

ADDRESSES_REQUIRED = "Enter at least one IP address or range the store calls from."
ADDRESSES_NOT_TEXT = "Enter the addresses as text: one per line or separated by commas."
ADDRESSES_TOO_LONG = "The list of addresses is too long."
ADDRESSES_TOO_MANY = "Use at most {limit} addresses or ranges."
ADDRESS_INVALID = "“{entry}” is not an IP address or a CIDR range."
ADDRESS_HOSTNAME = "“{entry}” is a name: enter the IP address the store calls from."
ADDRESS_WITH_PORT = "“{entry}” has a port: enter the address without it ({address})."
ADDRESS_SCOPED = "“{entry}” has a zone index (%…): enter the address without it."
ADDRESS_HOST_BITS = "“{entry}” is not the start of its range: did you mean {network}?"
ADDRESS_UNSPECIFIED = "“{entry}” does not mean “anywhere” here: enter the store's own address."
ADDRESS_TOO_WIDE = "“{entry}” allows too many addresses: use a range of /{prefix} or narrower."

REGULAR_PRICE_TYPE_REQUIRED = "Choose the regular price type."
PRICE_TYPE_UNKNOWN = "Choose a price type of the connection's company."
SALE_SAME_AS_REGULAR = "The sale price type must differ from the regular one."

ORDERS_DEPARTMENT_REQUIRED = "Choose the department of the store's orders."
DEPARTMENT_UNKNOWN = "Choose a department of the connection's company."

ORDER_CREATOR_REQUIRED = "Choose the user who creates the store's orders."
ORDER_CREATOR_UNKNOWN = "Choose an active user of the connection's company."

IF_CUSTOMER_NOT_FOUND_INVALID = "Choose what happens when the customer is not found."
DEFAULT_CUSTOMER_REQUIRED = "Choose the default customer."
CUSTOMER_UNKNOWN = "Choose a customer of the connection's company."

DAYS_REQUIRED = "Enter the days to the estimated shipment date."
DAYS_OUT_OF_RANGE = "Enter a whole number from 0 to 365."

DEPARTMENTS_REQUIRED = "Choose at least one department."
DEPARTMENTS_UNKNOWN = "Choose departments of the connection's company."

ON_OFF_INVALID = "Choose on or off."

LINK_STORES_REQUIRED = "Choose at least one connection."
LINK_STORES_ONE_COMPANY = "Choose connections of one company."
LINK_MODE_INVALID = "Choose add, replace or remove."

STORE_LIMIT_REACHED = "This account may have at most {limit} online-store connections."
KEY_UNAVAILABLE = "The key cannot be shown: generate a new one."


class StoreError(Exception):
    code = "store_error"


class StoreInvalid(StoreError):
    """The connection's data breaks rules: `errors` maps StoreInput field names ("__all__" for
    the document as a whole) to their messages, in the order the form shows them."""

    code = "store_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(m)}" for field, m in errors.items()))


class StoreLimitReached(StoreError):
    """The account has as many connections as it may (on create, or on restore)."""

    code = "store_limit_reached"

    def __init__(self, *, limit: int):
        self.limit = limit
        super().__init__(STORE_LIMIT_REACHED.format(limit=limit))


class StoreKeyUnavailable(StoreError):
    """The stored key cannot be decrypted (the key secret changed): it must be regenerated."""

    code = "store_key_unavailable"

    def __init__(self):
        super().__init__(KEY_UNAVAILABLE)
