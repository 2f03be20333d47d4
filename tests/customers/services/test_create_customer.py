import pytest

from backroom.companies.errors import WrongCompany
from backroom.customers.errors import InvalidCustomer
from backroom.customers.models import Customer
from backroom.customers.services import create_customer


def test_person_with_normalised_keys(company, webshop):
    customer = create_customer(
        company=company,
        name="  Ann Smith ",
        email=" Ann@Example.COM",
        phone="07700 900123",
        billing_address={"city": "Leeds", "postcode": "LS1 1AA"},
        store=webshop,
        store_customer_id=42,
    )

    customer = Customer.objects.get(pk=customer.pk)
    assert (customer.name, customer.kind) == ("Ann Smith", "person")
    assert (customer.email, customer.email_normalized) == ("Ann@Example.COM", "ann@example.com")
    assert (customer.phone, customer.phone_normalized) == ("07700 900123", "+447700900123")
    assert customer.billing_address == {"city": "Leeds", "postcode": "LS1 1AA"}
    assert customer.shipping_address == {}
    assert (customer.store, customer.store_customer_id) == (webshop, 42)


def test_phone_is_read_in_the_companys_country(other_company):
    customer = create_customer(company=other_company, name="Jürgen", phone="030 12345678")
    assert customer.phone_normalized == "+493012345678"


def test_organisation_without_contacts(company):
    customer = create_customer(company=company, name="Acme Ltd", kind=Customer.Kind.ORGANISATION)
    assert (customer.kind, customer.email_normalized, customer.phone_normalized) == (
        "organisation",
        "",
        "",
    )


def test_unparseable_contacts_are_kept_but_not_matched_on(company):
    customer = create_customer(company=company, name="Bob", email="bob at home", phone="ring me")
    assert (customer.email, customer.email_normalized) == ("bob at home", "")
    assert (customer.phone, customer.phone_normalized) == ("ring me", "")


def test_hostile_and_unicode_input_is_stored_cleanly(company):
    customer = create_customer(
        company=company,
        name="Zoë\x00 O'Brien; DROP TABLE customers_customer;--\ud800",
        email="zoë\x00@exämple.com",
        shipping_address={"line\x00": "Łódź\x07", "lines": ["a\x00", 3]},
    )

    customer = Customer.objects.get(pk=customer.pk)
    assert customer.name == "Zoë O'Brien; DROP TABLE customers_customer;--"
    assert (customer.email, customer.email_normalized) == ("zoë@exämple.com", "zoë@exämple.com")
    assert customer.shipping_address == {"line": "Łódź", "lines": ["a", 3]}


def test_every_bad_field_is_named(company):
    with pytest.raises(InvalidCustomer) as error:
        create_customer(
            company=company,
            name=" \x00 ",
            kind="alien",
            email="a" * 321,
            phone="1" * 65,
            billing_address=["not", "a", "mapping"],
            shipping_address={"x": "y" * 10_001},
            store_customer_id=5,
        )

    assert error.value.code == "invalid_customer"
    assert error.value.errors == {
        "name": "A name is required.",
        "email": "At most 320 characters.",
        "phone": "At most 64 characters.",
        "kind": "One of person, organisation.",
        "store_customer_id": "A store customer id needs its store.",
        "billing_address": "An address is a mapping of fields to texts.",
        "shipping_address": "At most 10000 characters.",
    }
    assert not Customer.objects.exists()


def test_longest_name_fits(company):
    assert len(create_customer(company=company, name="n" * 500).name) == 500
    with pytest.raises(InvalidCustomer):
        create_customer(company=company, name="n" * 501)


def test_a_store_of_another_company_is_refused(other_company, webshop):
    with pytest.raises(WrongCompany) as error:
        create_customer(company=other_company, name="Eve", store=webshop, store_customer_id=1)
    assert error.value.field == "store"
    assert not Customer.objects.exists()
