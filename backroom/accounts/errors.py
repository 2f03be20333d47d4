"""Errors of the accounts app, with stable codes for APIs and logs."""


class AccountsError(Exception):
    code = "accounts_error"


class NotFound(AccountsError):
    """No such row for this user: missing, or in another account, or in a company the user may
    not see. One error for all three, so that nobody can probe which ids exist elsewhere."""

    code = "not_found"

    def __init__(self, *, model: str):
        self.model = model
        super().__init__(f"{model} not found.")


class NotAllowed(AccountsError):
    """The user can see the row but may not do this to it (a role lacks the permission)."""

    code = "not_allowed"

    def __init__(self, *, document: str, action: str):
        self.document = document
        self.action = action
        super().__init__(f"Not allowed: {action} {document}.")


class UnknownTenancy(AccountsError):
    """A model has no known way to its company: add it to tenancy.COMPANY_PATHS."""

    code = "unknown_tenancy"
