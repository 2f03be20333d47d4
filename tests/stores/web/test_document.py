"""The connection document at /stores/new/ and /stores/<id>/: defaults, messages on fields, the
red asterisks, permissions, the re-sync question, and ids from other companies and accounts."""

import re

import pytest
from django.test import Client
from django.utils.html import escape

from backroom.accounts.models import Account
from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.customers.models import Customer
from backroom.stores import errors
from backroom.stores.forms import WHOLE_NUMBER
from backroom.stores.models import Store, SyncState
from backroom.stores.services import reveal_key
from tests.conftest import make_user
from tests.stores.web.conftest import EDIT_OWN, signed_in

pytestmark = pytest.mark.django_db


def form_data(company, retail, warehouse, shop_floor, owner, **changes) -> dict:
    """What a browser posts for a valid new connection."""
    data = {
        "company_id": str(company.pk),
        "name": "Shop EN",
        "language": "en",
        "allowed_addresses": "203.0.113.5\n2001:db8::/48",
        "is_let_sync": "on",
        "regular_price_type_id": str(retail.pk),
        "sale_price_type_id": "",
        "orders_department_id": str(warehouse.pk),
        "order_creator_id": str(owner.pk),
        "if_customer_not_found": "create_new",
        "default_customer_id": "",
        "days_to_shipment": "2",
        "department_ids": [str(warehouse.pk), str(shop_floor.pk)],
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def valid(company, retail, sale, warehouse, shop_floor, owner):
    def make(**changes) -> dict:
        return form_data(company, retail, warehouse, shop_floor, owner, **changes)

    return make


def stars(response) -> set[str]:
    """The fields wearing the red asterisk in a rendered page."""
    return set(re.findall(r'id="star-(\w+)" class="star-slot"><span class="star"', _text(response)))


def field_messages(response, field: str) -> list[str]:
    match = re.search(
        rf'<ul id="errors-{field}" class="errorlist"[^>]*>(.*?)</ul>', _text(response)
    )
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def _text(response) -> str:
    return response.content.decode()


def without_tokens(response) -> str:
    """The page without its CSRF tokens (new for every response)."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", _text(response))


# -- a new document ---------------------------------------------------------------------------


def test_new_document_defaults(owner_client, company, retail, sale, warehouse, shop_floor):
    response = owner_client.get("/stores/new/")

    assert response.status_code == 200
    f = response.context["f"]
    assert f["company_id"]["value"] == str(company.pk)
    assert f["language"]["value"] == "EN"
    assert f["regular_price_type_id"]["value"] == str(retail.pk)
    assert f["sale_price_type_id"]["value"] == ""  # no sale price preset
    assert f["orders_department_id"]["value"] == str(shop_floor.pk)  # first by menu order, name
    assert set(f["department_ids"]["value"]) == {str(warehouse.pk), str(shop_floor.pk)}
    assert f["if_customer_not_found"]["value"] == "create_new"
    assert f["days_to_shipment"]["value"] == "1"
    assert response.context["creator_label"] == "owner"
    assert "2 selected" in _text(response)
    # Empty required fields wear the asterisk; no message yet (nothing typed, nothing saved).
    assert stars(response) == {"name", "allowed_addresses"}
    assert field_messages(response, "name") == []
    assert response.context["summary"] == []


def test_new_document_needs_create_permission(viewer_client):
    response = viewer_client.get("/stores/new/")

    assert response.status_code == 403
    assert "Your roles do not let you create online-store connections" in _text(response)


def test_own_company_creator_is_offered_only_the_own_company(
    own_manager_client, company, other_company
):
    response = own_manager_client.get(f"/stores/new/?company={other_company.pk}")

    assert response.context["companies"] == [company]
    assert response.context["company"] == company


def test_create_saves_every_field_and_opens_the_document(owner_client, valid, owner, warehouse):
    customer = Customer.objects.create(company=warehouse.company, name="Default Buyer")

    response = owner_client.post(
        "/stores/new/",
        valid(
            name="  Shop EN ",
            if_customer_not_found="use_default",
            default_customer_id=str(customer.pk),
            is_let_sync=None,
            auto_reserve="on",
            department_ids=[str(warehouse.pk)],
        ),
    )

    store = Store.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/stores/{store.pk}/"
    assert (store.name, store.language, store.is_let_sync, store.auto_reserve) == (
        "Shop EN",
        "EN",
        False,
        True,
    )
    assert store.allowed_addresses == ["203.0.113.5", "2001:db8::/48"]
    assert store.default_customer == customer
    assert store.days_to_shipment == 2
    assert list(store.departments.all()) == [warehouse]
    assert len(reveal_key(user=owner, store_id=store.pk)) == 36
    assert "Document successfully created." in _text(owner_client.get(response["Location"]))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", errors.NAME_REQUIRED),
        ({"name": "x" * 251}, "name", errors.NAME_TOO_LONG),
        ({"name": "bad\x07name"}, "name", errors.NAME_CONTROL_CHARACTERS),
        ({"name": "a\x00b"}, "name", "Null characters are not allowed."),
        (
            {"allowed_addresses": "203.0.113.5\n" * 20_000},
            "allowed_addresses",
            errors.ADDRESSES_TOO_LONG,
        ),
        (
            {"allowed_addresses": "203.0.113.5\x00"},
            "allowed_addresses",
            "Null characters are not allowed.",
        ),
        ({"language": ""}, "language", errors.LANGUAGE_REQUIRED),
        ({"language": "ENG"}, "language", errors.LANGUAGE_INVALID),
        ({"language": "Ü1"}, "language", errors.LANGUAGE_INVALID),
        ({"allowed_addresses": ""}, "allowed_addresses", errors.ADDRESSES_REQUIRED),
        (
            {"allowed_addresses": "shop.example.com"},
            "allowed_addresses",
            errors.ADDRESS_HOSTNAME.format(entry="shop.example.com"),
        ),
        (
            {"regular_price_type_id": ""},
            "regular_price_type_id",
            errors.REGULAR_PRICE_TYPE_REQUIRED,
        ),
        ({"regular_price_type_id": "abc"}, "regular_price_type_id", "Choose from the list."),
        ({"regular_price_type_id": "-1"}, "regular_price_type_id", "Choose from the list."),
        (
            {"regular_price_type_id": "99999999999999999999999"},
            "regular_price_type_id",
            "Choose from the list.",
        ),
        ({"orders_department_id": ""}, "orders_department_id", errors.ORDERS_DEPARTMENT_REQUIRED),
        ({"order_creator_id": ""}, "order_creator_id", errors.ORDER_CREATOR_REQUIRED),
        (
            {"if_customer_not_found": "whatever"},
            "if_customer_not_found",
            errors.IF_CUSTOMER_NOT_FOUND_INVALID,
        ),
        (
            {"if_customer_not_found": "use_default"},
            "default_customer_id",
            errors.DEFAULT_CUSTOMER_REQUIRED,
        ),
        ({"days_to_shipment": ""}, "days_to_shipment", errors.DAYS_REQUIRED),
        ({"days_to_shipment": "366"}, "days_to_shipment", errors.DAYS_OUT_OF_RANGE),
        ({"days_to_shipment": "-1"}, "days_to_shipment", errors.DAYS_OUT_OF_RANGE),
        ({"days_to_shipment": "abc"}, "days_to_shipment", WHOLE_NUMBER),
        ({"days_to_shipment": "9" * 5000}, "days_to_shipment", WHOLE_NUMBER),
        ({"department_ids": []}, "department_ids", errors.DEPARTMENTS_REQUIRED),
        ({"department_ids": ["x"]}, "department_ids", "Choose from the list."),
        ({"company_id": ""}, "company_id", errors.COMPANY_REQUIRED),
        ({"company_id": "abc"}, "company_id", "Choose from the list."),
    ],
)
def test_a_broken_rule_is_a_message_on_its_field(owner_client, valid, changes, field, message):
    response = owner_client.post("/stores/new/", valid(**changes))

    assert response.status_code == 200
    assert not Store.objects.exists()
    assert message in response.context["errors"][field]
    assert field in stars(response)
    assert field_messages(response, field) == [escape(m) for m in response.context["errors"][field]]
    summary = [(item["field"], item["message"]) for item in response.context["summary"]]
    assert (field, message) in summary
    assert "The connection cannot be saved yet" in _text(response)


def test_unicode_names_are_kept_as_typed(owner_client, valid):
    response = owner_client.post("/stores/new/", valid(name="Магазин 🛒 שלום \u202ex"))

    assert response.status_code == 302
    assert Store.objects.get().name == "Магазин 🛒 שלום \u202ex"


def test_sale_price_must_differ_from_regular(owner_client, valid, retail):
    response = owner_client.post("/stores/new/", valid(sale_price_type_id=str(retail.pk)))

    assert response.context["errors"]["sale_price_type_id"] == [errors.SALE_SAME_AS_REGULAR]


def test_references_of_another_company_or_account_are_refused(
    owner_client, valid, other_company, foreign_company, owner
):
    other_price = PriceType.objects.create(company=other_company, name="Wholesale")
    foreign_department = Department.objects.create(company=foreign_company, name="Theirs")
    foreign_customer = Customer.objects.create(company=foreign_company, name="Theirs")

    response = owner_client.post(
        "/stores/new/",
        valid(
            regular_price_type_id=str(other_price.pk),
            orders_department_id=str(foreign_department.pk),
            if_customer_not_found="use_default",
            default_customer_id=str(foreign_customer.pk),
            department_ids=[str(foreign_department.pk)],
        ),
    )

    assert response.context["errors"] == {
        "regular_price_type_id": [errors.PRICE_TYPE_UNKNOWN],
        "orders_department_id": [errors.DEPARTMENT_UNKNOWN],
        "default_customer_id": [errors.CUSTOMER_UNKNOWN],
        "department_ids": [errors.DEPARTMENTS_UNKNOWN],
    }
    assert not Store.objects.exists()


def test_creating_in_a_foreign_company_is_refused(owner_client, valid, foreign_company):
    response = owner_client.post("/stores/new/", valid(company_id=str(foreign_company.pk)))

    assert response.context["errors"]["company_id"] == [errors.COMPANY_UNKNOWN]
    assert not Store.objects.exists()


def test_default_customer_is_dropped_when_a_new_customer_is_made(owner_client, valid, company):
    customer = Customer.objects.create(company=company, name="Someone")

    owner_client.post(
        "/stores/new/",
        valid(if_customer_not_found="create_new", default_customer_id=str(customer.pk)),
    )

    assert Store.objects.get().default_customer is None


def test_account_limit_is_said_at_the_top(owner_client, valid, account, settings):
    settings.BACKROOM_MAX_STORES_PER_ACCOUNT = 0

    response = owner_client.post("/stores/new/", valid())

    assert errors.STORE_LIMIT_REACHED.format(limit=0) in _text(response)
    assert not Store.objects.exists()
    Account.objects.filter(pk=account.pk).update(max_stores=1)
    assert owner_client.post("/stores/new/", valid()).status_code == 302


def test_post_without_csrf_token_is_refused(owner, valid):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post("/stores/new/", valid())

    assert response.status_code == 403
    assert not Store.objects.exists()


# -- an existing document -----------------------------------------------------------------------


def test_existing_document_shows_its_values(owner_client, store, owner):
    response = owner_client.get(f"/stores/{store.pk}/")

    page = _text(response)
    assert response.status_code == 200
    assert response.context["f"]["name"]["value"] == "Main shop"
    assert response.context["f"]["allowed_addresses"]["value"] == "203.0.113.5\n2001:db8::/32"
    assert 'data-testid="company-name">Acme Shop<' in page
    assert 'name="company_id" id="id_company_id" value="' in page  # hidden, not a select
    assert 'data-testid="save"' in page
    assert stars(response) == set()
    assert reveal_key(user=owner, store_id=store.pk) not in page  # the key only on demand
    assert "none yet" in page
    assert "/api/public/woo_v3" in page


def test_viewer_gets_a_read_only_page_without_actions(viewer_client, store):
    response = viewer_client.get(f"/stores/{store.pk}/")

    page = _text(response)
    assert response.status_code == 200
    assert "stores/document_readonly.html" in [t.name for t in response.templates]
    assert '<input type="text"' not in page
    assert "<select" not in page
    assert "<textarea" not in page
    assert 'data-testid="save"' not in page
    assert ">Generate<" not in page
    assert ">Show<" not in page
    assert "your roles do not let you change online-store connections" in page
    assert "Only users who may change this connection can see or replace its key." in page


def test_viewer_post_is_refused(viewer_client, store, valid):
    response = viewer_client.post(f"/stores/{store.pk}/", valid(name="Hacked"))

    assert response.status_code == 403
    store.refresh_from_db()
    assert store.name == "Main shop"


def test_missing_and_foreign_ids_get_the_same_404(owner_client, rival_client, store):
    foreign = rival_client.get(f"/stores/{store.pk}/")
    missing = rival_client.get(f"/stores/{store.pk + 1000}/")
    huge = owner_client.get("/stores/99999999999999999999999999/")

    assert foreign.status_code == missing.status_code == huge.status_code == 404
    assert without_tokens(foreign) == without_tokens(missing)
    assert "Main shop" not in _text(foreign)


def test_foreign_post_is_404_and_changes_nothing(rival_client, store, valid):
    response = rival_client.post(f"/stores/{store.pk}/", valid(name="Hacked"))

    assert response.status_code == 404
    store.refresh_from_db()
    assert store.name == "Main shop"


def test_own_company_user_cannot_see_another_company_store(
    account, other_company, make_store, own_manager_client
):
    theirs = make_store(name="Wholesale", company=other_company)

    assert own_manager_client.get(f"/stores/{theirs.pk}/").status_code == 404


def test_own_company_editor_may_save_own_company_store(account, company, store, valid):
    editor = make_user(account, company, username="editor", permissions=EDIT_OWN)

    response = signed_in(editor).post(
        f"/stores/{store.pk}/",
        valid(name="Renamed", sale_price_type_id=str(store.sale_price_type_id)),
    )

    assert response.status_code == 302
    store.refresh_from_db()
    assert store.name == "Renamed"
    assert store.changed_by == editor


def _existing(store, valid, **changes):
    stored = {"sale_price_type_id": str(store.sale_price_type_id), "language": store.language}
    return valid(**{**stored, **changes})


def test_plain_change_saves_without_question_and_marks_nothing(owner_client, store, valid):
    SyncState.objects.create(
        store=store, kind="category", item_id=1, version=1, confirmed_version=1
    )

    response = owner_client.post(f"/stores/{store.pk}/", _existing(store, valid, name="Renamed"))

    assert response.status_code == 302
    assert "Document successfully saved." in _text(owner_client.get(response["Location"]))
    assert SyncState.objects.get().version == 1


def test_change_that_resends_the_catalog_asks_first(owner_client, store, valid):
    SyncState.objects.create(
        store=store, kind="category", item_id=1, version=1, confirmed_version=1
    )
    changed = _existing(store, valid, language="de")

    asked = owner_client.post(f"/stores/{store.pk}/", changed)

    assert asked.status_code == 200
    assert 'data-testid="resync-question"' in _text(asked)
    assert "will be sent to it again" in _text(asked)
    store.refresh_from_db()
    assert store.language == "EN"

    confirmed = owner_client.post(f"/stores/{store.pk}/", {**changed, "confirm_resync": "1"})

    assert confirmed.status_code == 302
    store.refresh_from_db()
    assert store.language == "DE"
    assert SyncState.objects.get().version == 2
    assert "The store&#x27;s whole catalog will be sent again." in _text(
        owner_client.get(confirmed["Location"])
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"regular_price_type_id": "sale"},
        {"sale_price_type_id": ""},
        {"department_ids": "warehouse only"},
    ],
)
def test_price_types_and_departments_also_ask(owner_client, store, valid, warehouse, sale, changes):
    values = {
        "sale": str(sale.pk),
        "warehouse only": [str(warehouse.pk)],
    }
    data = _existing(store, valid)
    for name, value in changes.items():
        data[name] = values.get(value, value) if isinstance(value, str) else value
    if data["regular_price_type_id"] == data.get("sale_price_type_id"):
        data["sale_price_type_id"] = ""

    response = owner_client.post(f"/stores/{store.pk}/", data)

    assert response.status_code == 200
    assert response.context["resync_question"] is True


def test_the_company_cannot_change(owner_client, store, valid, other_company):
    response = owner_client.post(
        f"/stores/{store.pk}/", _existing(store, valid, company_id=str(other_company.pk))
    )

    assert response.context["errors"]["company_id"] == [errors.COMPANY_CANNOT_CHANGE]


def test_errors_on_save_of_an_existing_document(owner_client, store, valid):
    response = owner_client.post(f"/stores/{store.pk}/", _existing(store, valid, name=""))

    assert response.context["errors"] == {"name": [errors.NAME_REQUIRED]}
    assert field_messages(response, "name") == [errors.NAME_REQUIRED]
    store.refresh_from_db()
    assert store.name == "Main shop"
