import pytest
from hypothesis import given
from hypothesis import strategies as st

from backroom.accounts.errors import NotFound
from backroom.accounts.models import User
from backroom.accounts.selectors import (
    account_id_of,
    get_account_company,
    get_for_user,
    list_account_users,
    list_companies,
    parse_id,
    scope_for_user,
)
from backroom.catalog.models import Product, Term
from tests.conftest import make_user

HOSTILE_IDS = [
    None,
    True,
    False,
    1.0,
    "",
    " 1",
    "1 ",
    "1 OR 1=1",
    "1;DROP TABLE companies_company",
    "-1",
    "0",
    "+1",
    "0x1",
    "1e3",
    "١",  # an Arabic-Indic digit: int() would read it as 1
    "１",  # a full-width digit
    "9" * 20,
    2**63,
    -5,
    0,
    [1],
    {"id": 1},
]


def test_get_account_company_finds_companies_of_the_account(owner, company, other_company):
    assert get_account_company(user=owner, company_id=company.pk) == company
    assert get_account_company(user=owner, company_id=str(other_company.pk)) == other_company


def test_a_foreign_company_and_a_missing_one_give_the_same_error(owner, foreign_company):
    with pytest.raises(NotFound) as foreign:
        get_account_company(user=owner, company_id=foreign_company.pk)
    with pytest.raises(NotFound) as missing:
        get_account_company(user=owner, company_id=foreign_company.pk + 1000)
    assert str(foreign.value) == str(missing.value) == "Company not found."
    assert foreign.value.code == missing.value.code == "not_found"


@pytest.mark.parametrize("company_id", HOSTILE_IDS, ids=repr)
def test_hostile_ids_are_not_found_without_reaching_the_database(
    owner, company_id, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(NotFound):
        get_account_company(user=owner, company_id=company_id)


def test_with_a_document_only_permitted_companies_are_found(account, company, other_company):
    clerk = make_user(
        account, company, username="clerk", permissions=["orders.view.own", "orders.edit.all"]
    )
    assert get_account_company(user=clerk, company_id=company.pk, document="orders") == company
    with pytest.raises(NotFound):
        get_account_company(user=clerk, company_id=other_company.pk, document="orders")
    assert (
        get_account_company(
            user=clerk, company_id=other_company.pk, document="orders", action="edit"
        )
        == other_company
    )
    with pytest.raises(NotFound):
        get_account_company(user=clerk, company_id=company.pk, document="stores")


def test_list_companies(account, owner, company, other_company, foreign_company):
    assert list(list_companies(user=owner)) == [company, other_company]  # by name
    clerk = make_user(account, other_company, username="clerk", permissions=["stores.create.own"])
    assert list(list_companies(user=clerk)) == [company, other_company]
    assert list(list_companies(user=clerk, document="stores", action="create")) == [other_company]
    assert list(list_companies(user=clerk, document="stores", action="delete")) == []


def test_users_outside_an_account_or_inactive_see_nothing(owner, company):
    stray = User.objects.create_user(username="stray", password="stray-pass-123")
    assert account_id_of(stray) is None
    assert list(list_companies(user=stray)) == []
    with pytest.raises(NotFound):
        get_account_company(user=stray, company_id=company.pk)
    owner.is_active = False
    assert account_id_of(owner) is None
    assert list(list_companies(user=owner)) == []


def test_scope_for_user_on_rows_reached_through_a_parent(
    account, company, acme_data, sister_data, rival_data
):
    clerk = make_user(account, company, username="clerk", permissions=["catalog.view.own"])
    terms = Term.objects.order_by("name")
    assert [t.name for t in scope_for_user(user=clerk, queryset=terms)] == [
        "Acme red",
        "Sister red",
    ]
    assert [t.name for t in scope_for_user(user=clerk, queryset=terms, document="catalog")] == [
        "Acme red"
    ]
    assert list(scope_for_user(user=clerk, queryset=terms, document="catalog", action="edit")) == []


def test_scope_for_user_needs_a_company_model_for_a_document(owner):
    with pytest.raises(ValueError, match="belongs to no company"):
        scope_for_user(user=owner, queryset=User.objects.all(), document="catalog")


def test_get_for_user(owner, acme_data, sister_data, rival_data):
    assert (
        get_for_user(user=owner, queryset=Product.objects.all(), pk=sister_data.product.pk)
        == sister_data.product
    )
    with pytest.raises(NotFound) as caught:
        get_for_user(user=owner, queryset=Product.objects.all(), pk=rival_data.product.pk)
    assert str(caught.value) == "Product not found."


def test_list_account_users_leaves_out_other_accounts(account, company, owner, rival_owner):
    clerk = make_user(account, company, username="clerk", permissions=[])
    assert list(list_account_users(user=clerk)) == [clerk, owner]


@given(st.text(max_size=30))
def test_parse_id_reads_only_ascii_digits_in_range(text):
    parsed = parse_id(text)
    if parsed is None:
        return
    assert text.isascii() and text.isdigit()
    assert parsed == int(text)
    assert 0 < parsed < 2**63


@given(st.integers())
def test_parse_id_of_integers(number):
    assert parse_id(number) == (number if 0 < number < 2**63 else None)
    assert parse_id(str(number)) == (number if 0 < number < 2**63 else None)
