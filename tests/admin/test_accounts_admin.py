"""Owners manage their account's users and roles in the admin, and nothing beyond it."""

import pytest

from backroom.accounts.models import Account, Membership, Role, User
from tests.admin.helpers import assert_no_leak, change_url, errors_of, form_data, url
from tests.admin.test_roles import listed

PASSWORD = "newbie-pass-987"


@pytest.fixture
def signed_in(client, owner):
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


def add_user(client, **membership):
    data = form_data(client.get(url(User, "add")))
    data.update(username="newbie", password1=PASSWORD, password2=PASSWORD, usable_password="true")
    for field, value in membership.items():
        data[f"membership-0-{field}"] = value
    return client.post(url(User, "add"), data)


def test_the_owner_lists_the_accounts_users_only(signed_in, account, company, rival_owner):
    User.objects.create_superuser(username="root", password="root-pass-123")
    hidden_operator = User.objects.create_superuser(
        username="root-member", password="root-pass-123"
    )
    Membership.objects.create(user=hidden_operator, account=account, company=company)
    assert listed(signed_in, User) == ["owner"]
    assert signed_in.get(change_url(hidden_operator), follow=True).redirect_chain == [
        ("/admin/", 302)
    ]


def test_the_owner_adds_a_member_of_the_own_account(signed_in, account, other_company):
    role = Role.objects.create(account=account, name="Sales", permissions=["orders.view.own"])
    response = add_user(signed_in, company=str(other_company.pk), roles=[str(role.pk)])
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.check_password(PASSWORD)
    assert (user.membership.account, user.membership.company, user.membership.is_owner) == (
        account,
        other_company,
        False,
    )
    assert list(user.membership.roles.all()) == [role]
    assert user.is_superuser is False


def test_a_member_added_without_choices_still_joins_the_account(signed_in, account):
    assert add_user(signed_in).status_code == 302
    membership = User.objects.get(username="newbie").membership
    assert (membership.account, membership.company, membership.is_owner) == (account, None, False)


def test_the_owner_cannot_make_a_superuser(signed_in, account, company):
    member = User.objects.create_user(username="member", password=PASSWORD)
    Membership.objects.create(user=member, account=account, company=company)
    page = signed_in.get(change_url(member))
    fields = page.context["adminform"].form.fields
    assert {"is_superuser", "groups", "user_permissions"} & set(fields) == set()
    data = form_data(page)
    data.update(is_superuser="on", is_staff="on", first_name="Mia")
    assert signed_in.post(change_url(member), data).status_code == 302
    member.refresh_from_db()
    assert (member.is_superuser, member.is_staff, member.first_name) == (False, True, "Mia")


def test_the_last_owner_cannot_step_down(signed_in, owner):
    data = form_data(signed_in.get(change_url(owner)))
    del data["membership-0-is_owner"]
    response = signed_in.post(change_url(owner), data)
    assert errors_of(response) == ["An account needs at least one owner."]
    assert Membership.objects.get(user=owner).is_owner is True


def test_an_owner_can_step_down_when_another_owner_remains(signed_in, owner, account, company):
    second = User.objects.create_user(username="second", password=PASSWORD)
    Membership.objects.create(user=second, account=account, company=company, is_owner=True)
    data = form_data(signed_in.get(change_url(owner)))
    del data["membership-0-is_owner"]
    assert signed_in.post(change_url(owner), data).status_code == 302
    assert Membership.objects.get(user=owner).is_owner is False


def test_roles_are_edited_as_permission_boxes(signed_in, account, rival_owner):
    Role.objects.create(account=rival_owner.membership.account, name="RIVALMARK role")
    page = signed_in.get(url(Role, "add"))
    assert (
        len(list(page.context["adminform"].form.fields["permissions"].choices)) == 8
    )  # one group per document
    data = form_data(page)
    data.update(name="Stock", permissions=["inventory.view.all", "inventory.edit.own"])
    assert signed_in.post(url(Role, "add"), data).status_code == 302
    role = Role.objects.get(name="Stock")
    assert (role.account, role.permissions) == (
        account,
        ["inventory.edit.own", "inventory.view.all"],
    )
    response = signed_in.get(url(Role, "changelist"))
    assert_no_leak(response)


@pytest.mark.parametrize(
    "code", ["stores.hack.all", "stores.view.own\x00", "<script>", "ставки.view.own"]
)
def test_a_role_refuses_unknown_codes(signed_in, code):
    data = form_data(signed_in.get(url(Role, "add")))
    data.update(name="Bad", permissions=["stores.view.own", code])
    response = signed_in.post(url(Role, "add"), data)
    assert response.status_code == 200
    assert len(errors_of(response)) == 1
    assert not Role.objects.filter(name="Bad").exists()


def test_a_role_name_is_unique_in_the_account(signed_in, account):
    Role.objects.create(account=account, name="Sales")
    data = form_data(signed_in.get(url(Role, "add")))
    data.update(name="Sales")
    response = signed_in.post(url(Role, "add"), data)
    assert errors_of(response) == ["Role with this Account and Name already exists."]


def test_the_owner_renames_the_account_but_not_its_limits(signed_in, account):
    assert listed(signed_in, Account) == ["Acme"]
    page = signed_in.get(change_url(account))
    assert "max_stores" not in page.context["adminform"].form.fields
    data = form_data(page)
    data.update(name="Acme Group", max_stores="999")
    assert signed_in.post(change_url(account), data).status_code == 302
    account.refresh_from_db()
    assert (account.name, account.max_stores) == ("Acme Group", None)
    assert signed_in.get(url(Account, "add")).status_code == 403
    assert signed_in.get(url(Account, "delete", account.pk)).status_code == 403
