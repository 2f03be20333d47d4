"""Errors of the companies app, with stable codes for APIs and logs."""


class CompanyError(Exception):
    code = "company_error"


class WrongCompany(CompanyError):
    """An object handed to a service belongs to another company than the one being written to.

    Services check this before writing, so that a foreign id smuggled in by a caller can never
    tie rows of two companies (or two accounts) together."""

    code = "wrong_company"

    def __init__(self, *, field: str, company_id: int, object_company_id: int | None):
        self.field = field
        self.company_id = company_id
        self.object_company_id = object_company_id
        super().__init__(f"{field} does not belong to company {company_id}.")
