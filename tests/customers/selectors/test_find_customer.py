import pytest

from backroom.companies.errors import WrongCompany
from backroom.customers.selectors import MatchReason, find_customer
from backroom.customers.services import create_customer


@pytest.fixture
def ann(company, webshop):
    return create_customer(
        company=company,
        name="Ann",
        email="ann@example.com",
        phone="07700 900123",
        store=webshop,
        store_customer_id=7,
    )


def test_store_customer_id_comes_first(company, webshop, ann):
    namesake = create_customer(company=company, name="Other", email="other@example.com")

    assert find_customer(
        company=company, store=webshop, store_customer_id=7, email="OTHER@example.com"
    ) == (ann, MatchReason.STORE_CUSTOMER_ID)
    assert find_customer(
        company=company, store=webshop, store_customer_id=8, email="OTHER@example.com"
    ) == (namesake, MatchReason.EMAIL)


def test_email_in_any_case_and_spacing(company, ann):
    assert find_customer(company=company, email="  ANN@Example.com ") == (ann, MatchReason.EMAIL)


def test_phone_in_any_format(company, ann):
    for phone in ("+44 7700 900123", "07700-900-123", "(07700) 900 123", "0044 7700 900123"):
        assert find_customer(company=company, phone=phone) == (ann, MatchReason.PHONE)


def test_email_before_phone(company, ann):
    bob = create_customer(company=company, name="Bob", email="bob@example.com")
    assert find_customer(company=company, email="bob@example.com", phone="07700900123") == (
        bob,
        MatchReason.EMAIL,
    )
    # An e-mail that matches no one falls through to the phone.
    assert find_customer(company=company, email="nobody@example.com", phone="07700900123") == (
        ann,
        MatchReason.PHONE,
    )


def test_the_oldest_of_several_wins(company, ann):
    create_customer(company=company, name="Ann again", email="ANN@example.com")
    assert find_customer(company=company, email="ann@example.com") == (ann, MatchReason.EMAIL)


def test_no_match(company, webshop, ann):
    assert find_customer(company=company) is None
    assert find_customer(company=company, store=webshop, store_customer_id=99) is None
    assert find_customer(company=company, store_customer_id=7) is None  # id without its store
    assert find_customer(company=company, email="", phone="") is None
    assert find_customer(company=company, email="not an address", phone="no phone") is None


def test_reason_is_a_plain_string():
    assert MatchReason.EMAIL == "email"
    assert [reason.value for reason in MatchReason] == ["store_customer_id", "email", "phone"]


def test_other_companies_customers_are_never_found(other_company, foreign_company, ann):
    for company in (other_company, foreign_company):
        assert (
            find_customer(company=company, email="ann@example.com", phone="+447700900123") is None
        )


def test_a_store_of_another_company_is_refused(other_company, webshop):
    with pytest.raises(WrongCompany):
        find_customer(company=other_company, store=webshop, store_customer_id=7)


@pytest.mark.parametrize(
    "email", ["\x00", "a\x00@b.c", "x" * 100_000, "'; DROP TABLE x;--@a", "\ud800@x.com"]
)
def test_hostile_input_finds_nothing_and_never_raises(company, ann, email):
    assert find_customer(company=company, email=email, phone=email) is None


def test_at_most_three_queries(company, webshop, ann, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert (
            find_customer(
                company=company,
                store=webshop,
                store_customer_id=1,
                email="x@y.z",
                phone="07700 900999",
            )
            is None
        )
