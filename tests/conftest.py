"""Shared fixtures. App-specific fixtures live in tests/<app>/fixtures.py and are listed here."""

from decimal import Decimal
from pathlib import Path

import pytest

from backroom.accounts.models import Account, Membership, User
from backroom.catalog.models import PriceType
from backroom.companies.models import Company, Department

pytest_plugins = [
    "tests.inventory.fixtures",
    "tests.customers.fixtures",
    "tests.orders.fixtures",
    "tests.accounts.fixtures",
]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the project")
    return SHARED_DATA


@pytest.fixture
def account(db) -> Account:
    return Account.objects.create(name="Acme")


@pytest.fixture
def company(account) -> Company:
    return Company.objects.create(account=account, name="Acme Shop", language="EN", country="GB")


@pytest.fixture
def other_company(account) -> Company:
    """A second company in the same account."""
    return Company.objects.create(
        account=account, name="Acme Wholesale", language="EN", country="DE"
    )


@pytest.fixture
def foreign_company(db) -> Company:
    """A company of another account: nothing of it may ever be reachable from `account`."""
    other = Account.objects.create(name="Rival")
    return Company.objects.create(account=other, name="Rival Shop", language="EN", country="FR")


@pytest.fixture
def warehouse(company) -> Department:
    return Department.objects.create(company=company, name="Warehouse")


@pytest.fixture
def shop_floor(company) -> Department:
    return Department.objects.create(company=company, name="Shop floor")


@pytest.fixture
def retail(company) -> PriceType:
    return PriceType.objects.create(company=company, name="Retail")


@pytest.fixture
def sale(company) -> PriceType:
    return PriceType.objects.create(company=company, name="Sale")


@pytest.fixture
def owner(account, company) -> User:
    user = User.objects.create_user(username="owner", password="owner-pass-123")
    Membership.objects.create(user=user, account=account, company=company, is_owner=True)
    return user


def make_user(account, company, *, username: str, permissions: list[str]) -> User:
    """A user of `account` whose own company is `company`, with one role granting `permissions`."""
    user = User.objects.create_user(username=username, password=f"{username}-pass-123")
    membership = Membership.objects.create(user=user, account=account, company=company)
    role = account.roles.create(name=f"role of {username}", permissions=permissions)
    membership.roles.add(role)
    return user


D = Decimal


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locks and real concurrency: skipped on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
