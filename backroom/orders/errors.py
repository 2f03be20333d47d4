"""Errors of the orders app, with stable codes."""


class OrderError(Exception):
    code = "order_error"


class InvalidOrder(OrderError):
    """The data given for an order cannot be stored; `errors` maps each field (lines as
    `lines[2].price`) to why."""

    code = "invalid_order"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))


class OrderNotImported(OrderError):
    """An order from a store that cannot be imported as it is; `reason` says why, in words for
    the shop owner (shown with the held order), naming the line when a line is the cause."""

    code = "order_not_imported"

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)
