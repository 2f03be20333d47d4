import pytest
from django.core.exceptions import ValidationError

from backroom.accounts.models import Account, Membership, Role, User
from backroom.accounts.permissions import all_permission_codes, has_permission
from backroom.accounts.services import create_account, create_member, create_role
from backroom.companies.models import Company

PASSWORD = "correct-horse-battery"


def new_account(**overrides):
    arguments = {
        "name": "Corner Shop",
        "owner_username": "corner-owner",
        "owner_password": PASSWORD,
        "owner_email": "Owner@Example.COM",
        "company_name": "Corner Shop Ltd",
        "company_language": "de",
        "company_country": "at",
        "company_time_zone": "Europe/Vienna",
    }
    return create_account(**{**arguments, **overrides})


def nothing_made():
    return not (Account.objects.exists() or Company.objects.exists() or User.objects.exists())


# -- create_account ---------------------------------------------------------------------------


def test_create_account_makes_the_account_its_company_and_owner(db):
    account, company, owner = new_account()
    assert Account.objects.get() == account and account.name == "Corner Shop"
    assert (
        company.account,
        company.name,
        company.language,
        company.country,
        company.time_zone,
    ) == (
        account,
        "Corner Shop Ltd",
        "DE",
        "AT",
        "Europe/Vienna",
    )
    owner = User.objects.get(pk=owner.pk)
    assert owner.username == "corner-owner"
    assert owner.email == "Owner@example.com"  # Django lower-cases the domain only
    assert owner.check_password(PASSWORD)
    assert (owner.is_staff, owner.is_superuser, owner.is_active) == (True, False, True)
    assert (owner.membership.account, owner.membership.company, owner.membership.is_owner) == (
        account,
        company,
        True,
    )
    assert owner.account == account
    assert has_permission(owner, "stores", "delete", company.pk)


def test_create_account_defaults(db):
    _, company, owner = create_account(
        name="Tiny", owner_username="tiny", owner_password=PASSWORD, company_name="Tiny Co"
    )
    assert (company.language, company.country, company.time_zone) == ("EN", "", "UTC")
    assert owner.email == ""


def test_the_owner_can_open_the_admin(db, client):
    new_account()
    assert client.login(username="corner-owner", password=PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 200


def test_create_account_accepts_unicode_names(db):
    account, company, owner = new_account(
        name="Café Ünïcode 商店", company_name="Łódź Sklep ☕", owner_username="José.ñ"
    )
    assert (account.name, company.name, owner.username) == (
        "Café Ünïcode 商店",
        "Łódź Sklep ☕",
        "José.ñ",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"company_name": ""}, "name"),
        ({"company_language": "ENG"}, "language"),
        ({"company_language": "e1"}, "language"),
        ({"company_language": "ру"}, "language"),
        ({"company_country": "AUT"}, "country"),
        ({"company_time_zone": "Mars/Olympus"}, "time_zone"),
        ({"company_time_zone": "'; DROP TABLE companies_company; --"}, "time_zone"),
        ({"owner_username": ""}, "username"),
        ({"owner_username": "a b"}, "username"),
        ({"owner_username": "<script>alert(1)</script>"}, "username"),
        ({"owner_username": "x" * 151}, "username"),
        ({"owner_email": "not-an-email"}, "email"),
        ({"owner_password": "short"}, "password"),
        ({"owner_password": "password123"}, "password"),
        ({"owner_password": ""}, "password"),
    ],
)
def test_create_account_rejects_bad_input_and_leaves_nothing(db, overrides, field):
    with pytest.raises(ValidationError) as caught:
        new_account(**overrides)
    assert field in caught.value.message_dict
    assert nothing_made()


def test_a_taken_username_is_a_validation_error_and_leaves_nothing(db):
    new_account()
    with pytest.raises(ValidationError) as caught:
        new_account(name="Second", company_name="Second Co")
    assert "username" in caught.value.message_dict
    assert Account.objects.count() == 1
    assert Company.objects.count() == 1


# -- create_member ----------------------------------------------------------------------------


def test_create_member_joins_the_account_with_company_and_roles(account, company, other_company):
    role = create_role(account=account, name="Sales", permissions=["orders.view.own"])
    user = create_member(
        account=account,
        username="clerk",
        password=PASSWORD,
        company=other_company,
        roles=[role],
        email="clerk@example.com",
    )
    user = User.objects.get(pk=user.pk)
    assert user.membership.account == account
    assert user.membership.company == other_company
    assert list(user.membership.roles.all()) == [role]
    assert (user.membership.is_owner, user.is_staff, user.is_superuser) == (False, True, False)
    assert has_permission(user, "orders", "view", other_company.pk)
    assert not has_permission(user, "orders", "view", company.pk)


def test_create_member_refuses_another_accounts_company(account, foreign_company):
    with pytest.raises(ValidationError) as caught:
        create_member(account=account, username="spy", password=PASSWORD, company=foreign_company)
    assert "company" in caught.value.message_dict
    assert not User.objects.filter(username="spy").exists()


def test_create_member_refuses_another_accounts_role(account, company, foreign_company):
    foreign_role = Role.objects.create(account=foreign_company.account, name="Theirs")
    with pytest.raises(ValidationError) as caught:
        create_member(
            account=account,
            username="spy",
            password=PASSWORD,
            company=company,
            roles=[foreign_role],
        )
    assert "roles" in caught.value.message_dict
    assert not User.objects.filter(username="spy").exists()
    assert not Membership.objects.filter(account=account).exists()


# -- create_role ------------------------------------------------------------------------------


def test_create_role_stores_sorted_unique_codes(account):
    role = create_role(
        account=account,
        name=" Warehouse ",
        permissions=["inventory.edit.own", "inventory.view.all", "inventory.edit.own"],
    )
    role.refresh_from_db()
    assert (role.account, role.name, role.permissions) == (
        account,
        "Warehouse",
        ["inventory.edit.own", "inventory.view.all"],
    )


def test_create_role_with_every_code(account):
    role = create_role(account=account, name="Everything", permissions=all_permission_codes())
    assert len(role.permissions) == 64


def test_create_role_names_unknown_codes(account):
    with pytest.raises(ValidationError) as caught:
        create_role(
            account=account, name="Bad", permissions=["stores.view.own", "stores.hack.all", "x"]
        )
    assert caught.value.message_dict == {
        "permissions": ["Unknown permission codes: stores.hack.all, x."]
    }
    assert not Role.objects.exists()


def test_a_role_name_is_unique_per_account(account, foreign_company):
    create_role(account=account, name="Sales", permissions=[])
    with pytest.raises(ValidationError) as caught:
        create_role(account=account, name="Sales", permissions=[])
    assert "__all__" in caught.value.message_dict
    create_role(account=foreign_company.account, name="Sales", permissions=[])
    assert Role.objects.filter(name="Sales").count() == 2


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_create_role_rejects_bad_names(account, name):
    with pytest.raises(ValidationError) as caught:
        create_role(account=account, name=name, permissions=[])
    assert "name" in caught.value.message_dict


def test_membership_clean_refuses_a_company_of_another_account(account, foreign_company):
    user = User.objects.create_user(username="x", password=PASSWORD)
    membership = Membership(user=user, account=account, company=foreign_company)
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert caught.value.message_dict == {"company": ["The company belongs to another account."]}
