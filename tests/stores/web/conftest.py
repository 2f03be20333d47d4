"""Fixtures for the connection screens: signed-in clients with various roles."""

import pytest
from django.test import Client

from backroom.accounts.models import Membership, User
from tests.conftest import make_user

VIEW_OWN = ["stores.view.own"]
EDIT_OWN = ["stores.view.own", "stores.edit.own"]
ALL_OWN = ["stores.view.own", "stores.create.own", "stores.edit.own", "stores.delete.own"]
ALL_ALL = ["stores.view.all", "stores.create.all", "stores.edit.all", "stores.delete.all"]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    return signed_in(owner)


@pytest.fixture
def viewer(account, company) -> User:
    """May only view connections of the own company."""
    return make_user(account, company, username="viewer", permissions=VIEW_OWN)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return signed_in(viewer)


@pytest.fixture
def own_manager(account, company) -> User:
    """May do everything, but only in the own company."""
    return make_user(account, company, username="ownmanager", permissions=ALL_OWN)


@pytest.fixture
def own_manager_client(own_manager) -> Client:
    return signed_in(own_manager)


@pytest.fixture
def rival_client(foreign_company) -> Client:
    """The owner of another account."""
    rival = User.objects.create_user(username="rival", password="rival-pass-123")
    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    return signed_in(rival)


@pytest.fixture
def make_store(retail, warehouse, owner):
    """Stores written straight to the table (the list's tests need many, beyond the account's
    limit, with chosen creators and dates); create_store is tested in tests/stores/services."""
    from backroom.catalog.models import PriceType
    from backroom.companies.models import Department
    from backroom.stores.models import Store

    def make(*, name: str, company=None, language: str = "EN", creator=None, **fields) -> Store:
        company = company or retail.company
        if company.pk == retail.company_id:
            price_type, department = retail, warehouse
        else:
            price_type = PriceType.objects.get_or_create(company=company, name="Retail")[0]
            department = Department.objects.get_or_create(company=company, name="Main")[0]
        store = Store.objects.create(
            company=company,
            name=name,
            language=language,
            regular_price_type=price_type,
            orders_department=department,
            order_creator=creator or owner,
            created_by=creator or owner,
            allowed_addresses=["203.0.113.5"],
            **fields,
        )
        store.departments.set([department])
        return store

    return make
