"""Errors of the customers app, with stable codes."""


class CustomerError(Exception):
    code = "customer_error"


class InvalidCustomer(CustomerError):
    """The data given for a customer cannot be stored; `errors` maps each field to why."""

    code = "invalid_customer"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))
