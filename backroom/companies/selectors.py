"""Reads for companies, and the one check that objects belong to a company."""

from django.db.models import Model

from backroom.accounts.models import User
from backroom.companies.errors import WrongCompany
from backroom.companies.models import Company


def require_in_company(*, company: Company, **objects: Model | None) -> None:
    """Raise WrongCompany for the first of `objects` (named by keyword, `None` skipped) whose
    `company_id` is not `company`'s. Compares ids already loaded: no query."""
    for field, obj in objects.items():
        if obj is not None and obj.company_id != company.pk:
            raise WrongCompany(field=field, company_id=company.pk, object_company_id=obj.company_id)


def require_member(*, company: Company, user: User) -> None:
    """Raise WrongCompany unless `user` is a member of `company`'s account (one query unless the
    membership is already loaded)."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.account_id != company.account_id:
        raise WrongCompany(
            field="user",
            company_id=company.pk,
            object_company_id=membership.company_id if membership else None,
        )
