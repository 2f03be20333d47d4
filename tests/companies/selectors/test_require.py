import pytest

from backroom.companies.errors import WrongCompany
from backroom.companies.models import Department
from backroom.companies.selectors import require_in_company, require_member
from tests.conftest import make_user


def test_objects_of_the_company_pass_and_none_is_skipped(
    company, warehouse, django_assert_num_queries
):
    with django_assert_num_queries(0):
        require_in_company(company=company, department=warehouse, store=None)


def test_the_first_foreign_object_is_named(company, warehouse, other_company):
    elsewhere = Department.objects.create(company=other_company, name="Elsewhere")

    with pytest.raises(WrongCompany) as error:
        require_in_company(company=company, department=warehouse, shop=elsewhere)

    assert (error.value.code, error.value.field) == ("wrong_company", "shop")
    assert (error.value.company_id, error.value.object_company_id) == (company.pk, other_company.pk)
    assert str(error.value) == f"shop does not belong to company {company.pk}."


def test_members_of_the_account_pass(company, other_company, owner, account):
    require_member(company=company, user=owner)
    # Any company of the same account: the own-company rule is the permissions' business.
    require_member(company=other_company, user=owner)
    colleague = make_user(account, other_company, username="colleague", permissions=[])
    require_member(company=company, user=colleague)


def test_strangers_and_users_without_membership_are_refused(company, foreign_company):
    from backroom.accounts.models import User

    stranger = make_user(foreign_company.account, foreign_company, username="s", permissions=[])
    loner = User.objects.create_user(username="loner", password="loner-pass-123")
    for user in (stranger, loner):
        with pytest.raises(WrongCompany) as error:
            require_member(company=company, user=user)
        assert error.value.field == "user"
