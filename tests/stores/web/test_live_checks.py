"""The htmx endpoints of the document: the live check behind the asterisks, the reload of a new
document's company-dependent part, and the type-ahead pickers."""

import re

import pytest

from backroom.accounts.models import Membership, User
from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.customers.models import Customer
from backroom.stores import errors
from tests.conftest import make_user
from tests.stores.web.conftest import signed_in
from tests.stores.web.test_document import form_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def oob_stars(response) -> set[str]:
    return set(
        re.findall(
            r'id="star-(\w+)" class="star-slot" hx-swap-oob="true"><span class="star"',
            response.content.decode(),
        )
    )


def oob_messages(response, field: str) -> list[str]:
    match = re.search(
        rf'<ul id="errors-{field}" class="errorlist" hx-swap-oob="true">(.*?)</ul>',
        response.content.decode(),
    )
    return re.findall(r"<li>(.*?)</li>", match.group(1))


@pytest.fixture
def posted(company, retail, sale, warehouse, shop_floor, owner):
    def make(**changes) -> dict:
        return form_data(company, retail, warehouse, shop_floor, owner, **changes)

    return make


def test_valid_document_has_no_star(owner_client, posted):
    response = owner_client.post("/stores/new/validate/", posted(), **HTMX)

    assert response.status_code == 200
    assert oob_stars(response) == set()
    assert 'id="summary"' in response.content.decode()


def test_empty_fields_get_stars_but_no_message_until_saved(owner_client, posted):
    response = owner_client.post(
        "/stores/new/validate/", posted(name="", allowed_addresses=""), **HTMX
    )

    assert oob_stars(response) == {"name", "allowed_addresses"}
    assert oob_messages(response, "name") == []
    assert 'id="summary" class="summary" role="alert" hx-swap-oob="true"></div>' in (
        response.content.decode()
    )


def test_after_a_save_attempt_every_message_shows(owner_client, posted):
    response = owner_client.post("/stores/new/validate/", posted(name="", _submitted="1"), **HTMX)

    assert oob_messages(response, "name") == [errors.NAME_REQUIRED]
    assert "The connection cannot be saved yet" in response.content.decode()


def test_a_wrong_typed_value_shows_its_message_live(owner_client, posted):
    response = owner_client.post("/stores/new/validate/", posted(language="E"), **HTMX)

    assert oob_stars(response) == {"language"}
    assert oob_messages(response, "language") == [errors.LANGUAGE_INVALID]


def test_live_check_of_an_existing_document(owner_client, store, posted):
    response = owner_client.post(
        f"/stores/{store.pk}/validate/",
        posted(sale_price_type_id=str(store.regular_price_type_id)),
        **HTMX,
    )

    assert oob_stars(response) == {"sale_price_type_id"}
    assert oob_messages(response, "sale_price_type_id") == [errors.SALE_SAME_AS_REGULAR]


def test_live_check_needs_the_right_to_save(viewer_client, rival_client, store, posted):
    assert viewer_client.post("/stores/new/validate/", posted(), **HTMX).status_code == 403
    assert viewer_client.post(f"/stores/{store.pk}/validate/", posted(), **HTMX).status_code == 403
    assert rival_client.post(f"/stores/{store.pk}/validate/", posted(), **HTMX).status_code == 404


def test_live_check_refuses_get(owner_client):
    assert owner_client.get("/stores/new/validate/").status_code == 405


def test_company_change_reloads_price_types_departments_and_defaults(
    account, company, other_company, posted
):
    manager = make_user(
        account, company, username="manager", permissions=["stores.view.all", "stores.create.all"]
    )
    Membership.objects.filter(user=manager).update(company=None)  # account-wide user
    wholesale = PriceType.objects.create(company=other_company, name="Wholesale")
    depot = Department.objects.create(company=other_company, name="Depot")
    customer = Customer.objects.create(company=company, name="Old company's customer")
    response = signed_in(manager).post(
        "/stores/new/company/",
        posted(
            company_id=str(other_company.pk),
            order_creator_id="",
            if_customer_not_found="use_default",
            default_customer_id=str(customer.pk),
            name="Kept",
        ),
        **HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<div id="company-part">')
    f = response.context["f"]
    assert f["regular_price_type_id"]["value"] == str(wholesale.pk)
    assert f["sale_price_type_id"]["value"] == ""
    assert f["orders_department_id"]["value"] == str(depot.pk)
    assert f["department_ids"]["value"] == [str(depot.pk)]
    assert f["order_creator_id"]["value"] == str(manager.pk)  # the current user, re-applied
    assert f["default_customer_id"]["value"] == ""  # the old company's customer is cleared
    assert f["name"]["value"] == "Kept"
    assert "Wholesale" in page and "Depot" in page
    assert "Retail" not in page
    assert 'id="star-name" class="star-slot" hx-swap-oob="true"' in page
    assert 'id="star-default_customer_id" class="star-slot"><span class="star"' in page


def test_company_change_to_a_company_the_user_cannot_be_creator_in(
    owner_client, other_company, posted
):
    """The owner's own company is Acme Shop: they cannot create Acme Wholesale's orders."""
    response = owner_client.post(
        "/stores/new/company/", posted(company_id=str(other_company.pk)), **HTMX
    )

    assert response.context["f"]["order_creator_id"]["value"] == ""
    assert response.context["errors"]["order_creator_id"] == [errors.ORDER_CREATOR_REQUIRED]


def test_company_change_to_a_foreign_company_offers_nothing(owner_client, foreign_company, posted):
    PriceType.objects.create(company=foreign_company, name="RivalPrice")

    response = owner_client.post(
        "/stores/new/company/", posted(company_id=str(foreign_company.pk)), **HTMX
    )

    assert response.status_code == 200
    assert "RivalPrice" not in response.content.decode()
    assert response.context["errors"]["company_id"] == [errors.COMPANY_UNKNOWN]


def test_company_change_needs_create_permission(viewer_client, posted):
    assert viewer_client.post("/stores/new/company/", posted(), **HTMX).status_code == 403


# -- pickers -------------------------------------------------------------------------------------


def picked(response) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def test_user_picker_finds_account_users_by_part_of_the_name(
    owner_client, account, company, other_company, foreign_company
):
    ann = make_user(account, company, username="ann", permissions=[])
    User.objects.filter(pk=ann.pk).update(first_name="Ann", last_name="Owens")
    make_user(account, other_company, username="owen", permissions=[])  # another company
    rival = User.objects.create_user(username="owenrival")
    Membership.objects.create(user=rival, account=foreign_company.account, company=foreign_company)

    response = owner_client.get(
        "/stores/pick/users/", {"order_creator_q": "ow", "company_id": company.pk}, **HTMX
    )

    assert picked(response) == ["Ann Owens (ann)", "owner"]


@pytest.mark.parametrize("text", ["", "%", "_", "\x00", "x" * 5000, "🛒", "' OR 1=1 --"])
def test_user_picker_takes_any_text(owner_client, company, text):
    response = owner_client.get(
        "/stores/pick/users/", {"order_creator_q": text, "company_id": company.pk}, **HTMX
    )

    assert response.status_code == 200
    assert picked(response) == []


def test_customer_picker_searches_the_company_only(
    owner_client, company, other_company, foreign_company
):
    Customer.objects.create(company=company, name="Alice Buyer", email="alice@example.com")
    Customer.objects.create(company=company, name="Bob", email="bob@example.com")
    Customer.objects.create(company=other_company, name="Alice Other")
    Customer.objects.create(company=foreign_company, name="Alice Rival")

    mine = owner_client.get(
        "/stores/pick/customers/", {"default_customer_q": "ali", "company_id": company.pk}
    )
    by_mail = owner_client.get(
        "/stores/pick/customers/", {"default_customer_q": "bob@", "company_id": company.pk}
    )
    foreign = owner_client.get(
        "/stores/pick/customers/",
        {"default_customer_q": "ali", "company_id": foreign_company.pk},
    )

    assert picked(mine) == ["Alice Buyer"]
    assert picked(by_mail) == ["Bob"]
    assert picked(foreign) == []
    assert "Nothing matches" in foreign.content.decode()


@pytest.mark.parametrize("company_id", ["", "abc", "-1", "99999999999999999999999", "\x00"])
def test_customer_picker_takes_any_company_id(owner_client, company_id):
    response = owner_client.get(
        "/stores/pick/customers/", {"default_customer_q": "a", "company_id": company_id}
    )

    assert response.status_code == 200


def test_pickers_need_a_signed_in_user_with_stores_rights(client, account, company):
    nobody = make_user(account, company, username="nobody", permissions=[])
    assert client.get("/stores/pick/users/?order_creator_q=o").status_code == 302
    assert signed_in(nobody).get("/stores/pick/users/?order_creator_q=o").status_code == 403
