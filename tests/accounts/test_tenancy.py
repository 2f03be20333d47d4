import pytest
from django.apps import apps

from backroom.accounts.errors import UnknownTenancy
from backroom.accounts.models import Account, Role
from backroom.accounts.tenancy import (
    account_path,
    company_id_of,
    company_path,
    scope_to_account,
    scope_to_companies,
)
from backroom.catalog.models import TermTranslation
from backroom.companies.models import Company

BUSINESS_APPS = ("accounts", "companies", "catalog", "inventory", "customers", "orders", "stores")
NO_TENANT = {"stores.authfailure"}
"""Rows of no account: failed store-API attempts per source address (stores.journal), counted
before any store is known and shown on no screen."""


def business_models():
    return [
        model
        for label in BUSINESS_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label_lower not in NO_TENANT
    ]


@pytest.mark.parametrize("model", business_models(), ids=lambda m: m._meta.label)
def test_every_business_model_has_a_path_to_its_account(model, acme_data, rival_data):
    """A new model must be added to tenancy.COMPANY_PATHS (or have a `company` field): then
    every selector and the admin scope it without further thought."""
    account = acme_data.company.account
    for tenant in (account, rival_data.company.account):
        Role.objects.create(account=tenant, name="Sales")
    path = account_path(model)
    ours = model._default_manager.filter(**{path: account.pk})
    theirs = model._default_manager.filter(**{path: rival_data.company.account_id})
    assert ours.exists() and theirs.exists()
    assert not set(ours.values_list("pk", flat=True)) & set(theirs.values_list("pk", flat=True))
    assert (
        scope_to_account(account_id=account.pk, queryset=model._default_manager.all()).count()
        == ours.count()
    )


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("department", "company"),
        ("term", "attribute__company"),
        ("product_price", "product__company"),
        ("order_line", "order__company"),
        ("stock_line", "document__company"),
        ("reservation", "order_line__order__company"),
        ("stock_level", "product__company"),
    ],
)
def test_company_of_each_row_is_found_along_its_path(acme_data, name, path):
    row = getattr(acme_data, name)
    assert company_path(type(row)) == path
    assert company_id_of(type(row).objects.get(pk=row.pk)) == acme_data.company.pk


def test_a_company_is_its_own_company_and_account_rows_have_none(acme_data, owner):
    company = acme_data.company
    assert company_path(Company) == "pk"
    assert account_path(Company) == "account"
    assert company_id_of(company) == company.pk
    assert company_path(Account) is None
    assert company_id_of(owner) is None
    assert account_path(type(owner)) == "membership__account"


def test_scope_to_account_follows_a_deep_path(acme_data, rival_data):
    translations = TermTranslation.objects.all()
    assert translations.count() == 2
    scoped = scope_to_account(account_id=acme_data.company.account_id, queryset=translations)
    assert [t.name for t in scoped] == ["Acme rot"]
    assert scope_to_account(account_id=None, queryset=translations).count() == 0


def test_scope_to_companies(acme_data, sister_data):
    terms = sister_data.term.__class__.objects.all()
    assert scope_to_companies(company_ids=None, queryset=terms).count() == 2
    only = scope_to_companies(company_ids=[sister_data.company.pk], queryset=terms)
    assert [t.name for t in only] == ["Sister red"]
    assert scope_to_companies(company_ids=[], queryset=terms).count() == 0


def test_a_model_without_a_known_path_is_an_error(db):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(UnknownTenancy):
        company_path(ContentType)
    with pytest.raises(UnknownTenancy):
        scope_to_account(account_id=1, queryset=ContentType.objects.all())
    with pytest.raises(UnknownTenancy):
        scope_to_companies(company_ids=[1], queryset=Account.objects.all())
