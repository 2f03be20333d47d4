"""Every rule of the connection document, each failure a message on its own field."""

import pytest

from backroom.accounts.models import Membership, User
from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.customers.models import Customer
from backroom.stores import errors
from backroom.stores.models import Store
from backroom.stores.services import StoreInvalid, create_store, validate_store_input
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def problems(owner, data, store=None):
    return validate_store_input(user=owner, data=data, store=store)


def test_valid_input_has_no_problems(owner, store_input):
    assert problems(owner, store_input()) == {}


def test_everything_empty_lists_every_required_field_in_form_order(owner, store_input):
    data = store_input(
        company_id=None,
        name="  ",
        language="",
        allowed_addresses="",
        regular_price_type_id=None,
        sale_price_type_id=None,
        orders_department_id=None,
        order_creator_id=None,
        if_customer_not_found="",
        days_to_shipment=None,
        department_ids=[],
    )
    result = problems(owner, data)
    assert result == {
        "company_id": [errors.COMPANY_REQUIRED],
        "name": [errors.NAME_REQUIRED],
        "language": [errors.LANGUAGE_REQUIRED],
        "allowed_addresses": [errors.ADDRESSES_REQUIRED],
        "regular_price_type_id": [errors.REGULAR_PRICE_TYPE_REQUIRED],
        "orders_department_id": [errors.ORDERS_DEPARTMENT_REQUIRED],
        "order_creator_id": [errors.ORDER_CREATOR_REQUIRED],
        "if_customer_not_found": [errors.IF_CUSTOMER_NOT_FOUND_INVALID],
        "days_to_shipment": [errors.DAYS_REQUIRED],
        "department_ids": [errors.DEPARTMENTS_REQUIRED],
    }
    assert list(result) == [
        "company_id",
        "name",
        "language",
        "allowed_addresses",
        "regular_price_type_id",
        "orders_department_id",
        "order_creator_id",
        "if_customer_not_found",
        "days_to_shipment",
        "department_ids",
    ]


def test_create_refuses_invalid_input_and_writes_nothing(owner, store_input):
    with pytest.raises(StoreInvalid) as raised:
        create_store(user=owner, data=store_input(name=""))
    assert raised.value.errors == {"name": [errors.NAME_REQUIRED]}
    assert raised.value.code == "store_invalid"
    assert Store.objects.count() == 0


# -- company --------------------------------------------------------------------------------------


def test_company_of_another_account_is_unknown(owner, store_input, foreign_company):
    assert problems(owner, store_input(company_id=foreign_company.pk)) == {
        "company_id": [errors.COMPANY_UNKNOWN]
    }


@pytest.mark.parametrize("company_id", [10**12, "abc", -1, 0, True, "1 ", 1.5, "１"])
def test_company_id_that_is_no_company_is_unknown(owner, store_input, company_id):
    assert problems(owner, store_input(company_id=company_id))["company_id"] == [
        errors.COMPANY_UNKNOWN
    ]


def test_company_where_the_user_may_not_create(account, company, other_company, store_input):
    clerk = make_user(account, company, username="clerk", permissions=["stores.create.own"])
    Department.objects.create(company=other_company, name="Other")
    result = validate_store_input(user=clerk, data=store_input(company_id=other_company.pk))
    assert result["company_id"] == [errors.COMPANY_NOT_ALLOWED]


def test_id_as_digits_text_is_accepted(owner, store_input, company):
    assert problems(owner, store_input(company_id=str(company.pk))) == {}


# -- name, language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", errors.NAME_REQUIRED),
        ("\t \n", errors.NAME_REQUIRED),
        (None, errors.NAME_REQUIRED),
        (42, errors.NAME_REQUIRED),
        ("x" * 251, errors.NAME_TOO_LONG),
        ("Shop\x00", errors.NAME_CONTROL_CHARACTERS),
        ("Shop\x1b[31m", errors.NAME_CONTROL_CHARACTERS),
        ("Shop\ud800", errors.NAME_CONTROL_CHARACTERS),
    ],
)
def test_bad_names(owner, store_input, name, message):
    assert problems(owner, store_input(name=name)) == {"name": [message]}


@pytest.mark.parametrize("name", ["x" * 250, "Магазин «Север» 🛒", "  Shop  "])
def test_good_names(owner, store_input, name):
    assert problems(owner, store_input(name=name)) == {}


def test_name_is_stored_trimmed(owner, store_input):
    store, _ = create_store(user=owner, data=store_input(name="  Shop  "))
    assert Store.objects.get(pk=store.pk).name == "Shop"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("", errors.LANGUAGE_REQUIRED),
        (None, errors.LANGUAGE_REQUIRED),
        ("E", errors.LANGUAGE_INVALID),
        ("ENG", errors.LANGUAGE_INVALID),
        ("E1", errors.LANGUAGE_INVALID),
        ("Ää", errors.LANGUAGE_INVALID),
        ("ру", errors.LANGUAGE_INVALID),
        ("e'", errors.LANGUAGE_INVALID),
        ("ｅｎ", errors.LANGUAGE_INVALID),
    ],
)
def test_bad_languages(owner, store_input, language, message):
    assert problems(owner, store_input(language=language)) == {"language": [message]}


@pytest.mark.parametrize("language", ["de", "De", " fr ", "EN"])
def test_language_is_stored_upper_case(owner, store_input, language):
    store, _ = create_store(user=owner, data=store_input(language=language))
    assert Store.objects.get(pk=store.pk).language == language.strip().upper()


# -- allow-list ----------------------------------------------------------------------------------


def test_addresses_are_stored_normalised(owner, store_input):
    store, _ = create_store(
        user=owner,
        data=store_input(allowed_addresses="203.0.113.5, ::FFFF:198.51.100.7\n2001:DB8::/32"),
    )
    assert Store.objects.get(pk=store.pk).allowed_addresses == [
        "203.0.113.5",
        "198.51.100.7",
        "2001:db8::/32",
    ]


def test_addresses_list_form(owner, store_input):
    store, _ = create_store(user=owner, data=store_input(allowed_addresses=["127.0.0.1", "::1"]))
    assert store.allowed_addresses == ["127.0.0.1", "::1"]


def test_each_bad_address_is_named(owner, store_input):
    result = problems(owner, store_input(allowed_addresses="shop.example.com, 1.2.3.4:80, 0/0"))
    assert result == {
        "allowed_addresses": [
            errors.ADDRESS_HOSTNAME.format(entry="shop.example.com"),
            errors.ADDRESS_WITH_PORT.format(entry="1.2.3.4:80", address="1.2.3.4"),
            errors.ADDRESS_INVALID.format(entry="0/0"),
        ]
    }


# -- switches -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["is_let_sync", "auto_reserve"])
@pytest.mark.parametrize("value", [None, "true", 1, 0, "on"])
def test_switches_must_be_booleans(owner, store_input, field, value):
    assert problems(owner, store_input(**{field: value})) == {field: [errors.ON_OFF_INVALID]}


# -- price types ----------------------------------------------------------------------------------


def test_sale_price_type_is_optional(owner, store_input):
    store, _ = create_store(user=owner, data=store_input(sale_price_type_id=None))
    assert store.sale_price_type_id is None


def test_sale_price_type_must_differ(owner, store_input, retail):
    assert problems(owner, store_input(sale_price_type_id=retail.pk)) == {
        "sale_price_type_id": [errors.SALE_SAME_AS_REGULAR]
    }


def test_price_types_of_another_company_of_the_account(owner, store_input, other_company):
    theirs = PriceType.objects.create(company=other_company, name="Their retail")
    theirs_sale = PriceType.objects.create(company=other_company, name="Their sale")
    result = problems(
        owner, store_input(regular_price_type_id=theirs.pk, sale_price_type_id=theirs_sale.pk)
    )
    assert result == {
        "regular_price_type_id": [errors.PRICE_TYPE_UNKNOWN],
        "sale_price_type_id": [errors.PRICE_TYPE_UNKNOWN],
    }


def test_price_type_of_another_account(owner, store_input, foreign_company):
    theirs = PriceType.objects.create(company=foreign_company, name="Rival retail")
    assert problems(owner, store_input(regular_price_type_id=theirs.pk)) == {
        "regular_price_type_id": [errors.PRICE_TYPE_UNKNOWN]
    }


@pytest.mark.parametrize("value", ["x", -5, 2**63, [1], 1.0])
def test_malformed_price_type_ids(owner, store_input, value):
    assert problems(owner, store_input(sale_price_type_id=value)) == {
        "sale_price_type_id": [errors.PRICE_TYPE_UNKNOWN]
    }


# -- departments ----------------------------------------------------------------------------------


def test_orders_department_of_another_company(owner, store_input, other_company):
    theirs = Department.objects.create(company=other_company, name="Their store")
    assert problems(owner, store_input(orders_department_id=theirs.pk)) == {
        "orders_department_id": [errors.DEPARTMENT_UNKNOWN]
    }


def test_orders_department_of_another_account(owner, store_input, foreign_company):
    theirs = Department.objects.create(company=foreign_company, name="Rival store")
    assert problems(owner, store_input(orders_department_id=theirs.pk)) == {
        "orders_department_id": [errors.DEPARTMENT_UNKNOWN]
    }


def test_store_departments_of_another_company_or_account(
    owner, store_input, warehouse, other_company, foreign_company
):
    theirs = Department.objects.create(company=other_company, name="Their store")
    rival = Department.objects.create(company=foreign_company, name="Rival store")
    for department in (theirs, rival):
        assert problems(owner, store_input(department_ids=[warehouse.pk, department.pk])) == {
            "department_ids": [errors.DEPARTMENTS_UNKNOWN]
        }


@pytest.mark.parametrize("value", ["1,2", None, 5, [None], ["x"], [0], [{}]])
def test_malformed_store_departments(owner, store_input, value):
    assert problems(owner, store_input(department_ids=value)) == {
        "department_ids": [errors.DEPARTMENTS_UNKNOWN]
    }


def test_too_many_department_ids_refused(owner, store_input):
    data = store_input(department_ids=list(range(1, 1002)))
    assert problems(owner, data) == {"department_ids": [errors.DEPARTMENTS_UNKNOWN]}


def test_store_departments_repeats_dropped(owner, store_input, warehouse, shop_floor):
    store, _ = create_store(
        user=owner, data=store_input(department_ids=[warehouse.pk, warehouse.pk, shop_floor.pk])
    )
    assert set(store.departments.values_list("pk", flat=True)) == {warehouse.pk, shop_floor.pk}


# -- order creator --------------------------------------------------------------------------------


def test_order_creator_of_another_account(owner, store_input, foreign_company):
    rival = User.objects.create_user(username="rival")
    Membership.objects.create(user=rival, account=foreign_company.account, company=foreign_company)
    assert problems(owner, store_input(order_creator_id=rival.pk)) == {
        "order_creator_id": [errors.ORDER_CREATOR_UNKNOWN]
    }


def test_order_creator_whose_own_company_is_another(
    owner, store_input, account, company, other_company
):
    theirs = make_user(account, other_company, username="theirs", permissions=[])
    assert problems(owner, store_input(order_creator_id=theirs.pk)) == {
        "order_creator_id": [errors.ORDER_CREATOR_UNKNOWN]
    }
    ours = make_user(account, company, username="ours", permissions=[])
    assert problems(owner, store_input(order_creator_id=ours.pk)) == {}


def test_account_owner_belongs_to_every_company(owner, store_input, other_company):
    from backroom.catalog.models import PriceType

    theirs = Department.objects.create(company=other_company, name="Theirs")
    data = store_input(
        company_id=other_company.pk,
        regular_price_type_id=PriceType.objects.create(company=other_company, name="R").pk,
        sale_price_type_id=None,
        orders_department_id=theirs.pk,
        department_ids=[theirs.pk],
        order_creator_id=owner.pk,
    )
    assert problems(owner, data) == {}


def test_order_creator_without_own_company_is_accepted(owner, store_input, account):
    everywhere = User.objects.create_user(username="everywhere")
    Membership.objects.create(user=everywhere, account=account, company=None)
    assert problems(owner, store_input(order_creator_id=everywhere.pk)) == {}


def test_order_creator_inactive_or_without_membership(owner, store_input, account, company):
    gone = make_user(account, company, username="gone", permissions=[])
    gone.is_active = False
    gone.save()
    loner = User.objects.create_user(username="loner")
    for user in (gone, loner):
        assert problems(owner, store_input(order_creator_id=user.pk)) == {
            "order_creator_id": [errors.ORDER_CREATOR_UNKNOWN]
        }


# -- customers ------------------------------------------------------------------------------------


def test_use_default_needs_a_customer(owner, store_input):
    data = store_input(if_customer_not_found="use_default", default_customer_id=None)
    assert problems(owner, data) == {"default_customer_id": [errors.DEFAULT_CUSTOMER_REQUIRED]}


def test_use_default_with_a_customer(owner, store_input, customer):
    store, _ = create_store(
        user=owner,
        data=store_input(if_customer_not_found="use_default", default_customer_id=customer.pk),
    )
    assert (store.if_customer_not_found, store.default_customer_id) == ("use_default", customer.pk)


@pytest.mark.parametrize("value", ["", "USE_DEFAULT", "nope", None, 1])
def test_if_customer_not_found_choices(owner, store_input, value):
    assert problems(owner, store_input(if_customer_not_found=value)) == {
        "if_customer_not_found": [errors.IF_CUSTOMER_NOT_FOUND_INVALID]
    }


def test_customer_of_another_company_or_account(owner, store_input, other_company, foreign_company):
    for where in (other_company, foreign_company):
        theirs = Customer.objects.create(company=where, name="Someone")
        data = store_input(if_customer_not_found="use_default", default_customer_id=theirs.pk)
        assert problems(owner, data) == {"default_customer_id": [errors.CUSTOMER_UNKNOWN]}


# -- days -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 1, 365])
def test_days_in_range(owner, store_input, days):
    store, _ = create_store(user=owner, data=store_input(days_to_shipment=days))
    assert Store.objects.get(pk=store.pk).days_to_shipment == days


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (None, errors.DAYS_REQUIRED),
        ("", errors.DAYS_REQUIRED),
        (-1, errors.DAYS_OUT_OF_RANGE),
        (366, errors.DAYS_OUT_OF_RANGE),
        (10**20, errors.DAYS_OUT_OF_RANGE),
        (True, errors.DAYS_OUT_OF_RANGE),
        (1.5, errors.DAYS_OUT_OF_RANGE),
        ("3", errors.DAYS_OUT_OF_RANGE),
    ],
)
def test_days_out_of_range(owner, store_input, days, message):
    assert problems(owner, store_input(days_to_shipment=days)) == {"days_to_shipment": [message]}
