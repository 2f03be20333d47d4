import itertools

import pytest
from django.core.exceptions import ValidationError

from backroom.accounts.errors import NotAllowed
from backroom.accounts.models import Membership, Role, User
from backroom.accounts.permissions import (
    ACTIONS,
    DOCUMENTS,
    all_permission_codes,
    clean_permission_codes,
    company_ids_for,
    forget_granted_codes,
    granted_codes,
    has_permission,
    permission_choices,
    permission_label,
    require_permission,
)
from tests.conftest import make_user

EVERY = list(itertools.product(DOCUMENTS, ACTIONS))


def fresh(user: User) -> User:
    """The user as a new request would load it (no cached codes)."""
    return User.objects.get(pk=user.pk)


def test_codes_are_every_document_action_and_scope():
    assert len(all_permission_codes()) == 8 * 4 * 2
    assert "stores.edit.own" in all_permission_codes()
    assert "catalog.delete.all" in all_permission_codes()


@pytest.mark.parametrize(("document", "action"), EVERY)
def test_own_scope_covers_the_own_company_only(document, action, account, company, other_company):
    user = make_user(account, company, username="clerk", permissions=[f"{document}.{action}.own"])
    assert has_permission(user, document, action, company.pk) is True
    assert has_permission(user, document, action, other_company.pk) is False
    assert has_permission(user, document, action) is True
    assert company_ids_for(user, document, action) == [company.pk]
    for other_document, other_action in EVERY:
        if (other_document, other_action) != (document, action):
            assert has_permission(user, other_document, other_action, company.pk) is False
            assert company_ids_for(user, other_document, other_action) == []


@pytest.mark.parametrize(("document", "action"), EVERY)
def test_all_scope_covers_every_company_of_the_account(
    document, action, account, company, other_company
):
    user = make_user(account, company, username="chief", permissions=[f"{document}.{action}.all"])
    assert has_permission(user, document, action, company.pk) is True
    assert has_permission(user, document, action, other_company.pk) is True
    assert has_permission(user, document, action) is True
    assert company_ids_for(user, document, action) is None


@pytest.mark.parametrize(("document", "action"), EVERY)
def test_the_owner_may_do_everything(document, action, owner, company, other_company):
    assert has_permission(owner, document, action, other_company.pk) is True
    assert company_ids_for(owner, document, action) is None


@pytest.mark.parametrize(("document", "action"), EVERY)
def test_a_user_without_membership_may_do_nothing(document, action, db, company):
    user = User.objects.create_user(username="stray", password="stray-pass-123", is_staff=True)
    assert has_permission(user, document, action) is False
    assert has_permission(user, document, action, company.pk) is False
    assert company_ids_for(user, document, action) == []


@pytest.mark.parametrize(("document", "action"), EVERY)
def test_an_inactive_user_may_do_nothing(document, action, owner, company):
    owner.is_active = False
    owner.save()
    owner = fresh(owner)
    assert has_permission(owner, document, action, company.pk) is False
    assert company_ids_for(owner, document, action) == []


def test_own_scope_without_an_own_company_grants_nothing(account, company):
    user = make_user(account, company, username="nomad", permissions=["orders.view.own"])
    Membership.objects.filter(user=user).update(company=None)
    user = fresh(user)
    assert has_permission(user, "orders", "view") is False
    assert has_permission(user, "orders", "view", company.pk) is False
    assert company_ids_for(user, "orders", "view") == []


def test_a_superuser_outside_every_account_has_no_backroom_codes(db, company):
    """Operators get their powers in the admin only; services see a user of no account."""
    operator = User.objects.create_superuser(username="root", password="root-pass-123")
    assert has_permission(operator, "stores", "view", company.pk) is False


def test_codes_of_several_roles_add_up(account, company, other_company):
    user = make_user(account, company, username="multi", permissions=["catalog.view.own"])
    extra = Role.objects.create(account=account, name="orders", permissions=["orders.edit.all"])
    user.membership.roles.add(extra)
    user = fresh(user)
    assert granted_codes(user) == {"catalog.view.own", "orders.edit.all"}
    assert has_permission(user, "orders", "edit", other_company.pk) is True
    assert has_permission(user, "catalog", "view", other_company.pk) is False


@pytest.mark.parametrize(
    "stored",
    [
        ["catalog.view.own", "catalog.VIEW.own", "catalog.view.own.x", 7, None, ["x"], {"a": 1}],
        {"catalog.view.own": True},
        "catalog.view.own",
        42,
    ],
)
def test_junk_stored_in_a_role_grants_nothing_and_breaks_nothing(stored, account, company):
    user = make_user(account, company, username="junk", permissions=[])
    Role.objects.filter(account=account).update(permissions=stored)
    user = fresh(user)
    expected = {"catalog.view.own"} if isinstance(stored, list) else set()
    assert granted_codes(user) == expected


def test_codes_are_read_once_per_user_object(account, company, django_assert_num_queries):
    user = fresh(make_user(account, company, username="cached", permissions=["stores.view.own"]))
    with django_assert_num_queries(2):  # membership, roles
        for _ in range(5):
            assert has_permission(user, "stores", "view", company.pk)
    Role.objects.filter(account=account).update(permissions=[])
    assert has_permission(user, "stores", "view") is True  # still the request's view
    forget_granted_codes(user)
    assert has_permission(user, "stores", "view") is False


def test_unknown_document_or_action_is_a_programming_error(owner):
    with pytest.raises(ValueError, match="unknown permission shops.view"):
        has_permission(owner, "shops", "view")
    with pytest.raises(ValueError, match="unknown permission stores.read"):
        company_ids_for(owner, "stores", "read")


def test_require_permission_raises_not_allowed(account, company, other_company):
    user = make_user(account, company, username="clerk", permissions=["stores.edit.own"])
    require_permission(user, "stores", "edit", company.pk)
    with pytest.raises(NotAllowed) as caught:
        require_permission(user, "stores", "edit", other_company.pk)
    assert caught.value.code == "not_allowed"
    assert (caught.value.document, caught.value.action) == ("stores", "edit")


def test_clean_permission_codes_sorts_and_drops_repeats():
    assert clean_permission_codes(["stores.view.all", "catalog.edit.own", "stores.view.all"]) == [
        "catalog.edit.own",
        "stores.view.all",
    ]
    assert clean_permission_codes([]) == []
    assert clean_permission_codes(code for code in ["orders.view.own"]) == ["orders.view.own"]


@pytest.mark.parametrize(
    ("codes", "named"),
    [
        (["stores.view.own", "stores.fly.own"], "stores.fly.own"),
        (["catalog.view.mine"], "catalog.view.mine"),
        (["Catalog.view.own"], "Catalog.view.own"),
        ([" catalog.view.own"], " catalog.view.own"),
        (["catalog.view.own\x00"], "catalog.view.own\x00"),
        (["каталог.view.own"], "каталог.view.own"),
        (["x" * 10_000], "x" * 10_000),
        ([1], "1"),
        ([None], "None"),
    ],
)
def test_clean_permission_codes_names_every_unknown_code(codes, named):
    with pytest.raises(ValidationError) as caught:
        clean_permission_codes(codes)
    assert caught.value.code == "unknown_permission"
    assert named in caught.value.messages[0]


@pytest.mark.parametrize("codes", ["catalog.view.own", b"catalog.view.own", 5, None])
def test_clean_permission_codes_wants_a_list(codes):
    with pytest.raises(ValidationError) as caught:
        clean_permission_codes(codes)
    assert caught.value.code == "invalid_permissions"


def test_labels_and_choices_cover_every_code():
    assert permission_label("price_types.delete.all") == "Price types: Delete, all companies"
    choices = permission_choices()
    assert [group for group, _ in choices][:2] == ["Companies", "Departments"]
    flat = [code for _, options in choices for code, _ in options]
    assert sorted(flat) == sorted(all_permission_codes())
