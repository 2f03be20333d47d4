"""A user of one account never sees or changes another account's rows through the admin: not in
lists, not by opening or posting another account's ids, not by posting them in a form."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from backroom.accounts.models import Role, User
from backroom.catalog.models import Product, ProductPrice, Term
from backroom.companies.models import Company, DocumentCounter
from backroom.inventory.models import StockDocument
from backroom.orders.models import CustomerOrder
from tests.admin.helpers import (
    assert_no_leak,
    change_url,
    errors_of,
    form_data,
    registered_models,
    url,
)

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def owner_client(client, owner):
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


@pytest.fixture
def rival_rows(rival_data, rival_owner) -> dict:
    """One row of the rival account for every model the admin shows."""
    rows = {type(row): row for row in rival_data.rows()}
    rows[Company] = rival_data.company
    rows[type(rival_data.company.account)] = rival_data.company.account
    rows[User] = rival_owner
    rows[type(rival_owner.membership)] = rival_owner.membership
    rows[Role] = Role.objects.create(account=rival_data.company.account, name="RIVALMARK role")
    rows[DocumentCounter] = DocumentCounter.objects.get(company=rival_data.company)
    return rows


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_changelists_show_nothing_of_another_account(
    model, owner_client, account, acme_data, sister_data, rival_rows
):
    Role.objects.create(account=account, name="Sales")
    response = owner_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert_no_leak(response)
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert rival_rows[model].pk not in shown
    assert shown, "the account's own rows are listed"


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_another_accounts_id_is_not_found(model, view, owner_client, acme_data, rival_rows):
    """Not found and redirected like a missing id, or refused where nobody may do `view`
    (deleting a stock level): never the row."""
    row = rival_rows[model]
    response = owner_client.get(url(model, view, row.pk), follow=True)
    missing = owner_client.get(url(model, view, 10**9), follow=True)
    assert response.status_code == missing.status_code
    assert response.redirect_chain == missing.redirect_chain
    assert response.redirect_chain in ([("/admin/", 302)], [])
    if not response.redirect_chain:
        assert response.status_code == 403
    assert_no_leak(response)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_posting_to_another_accounts_id_changes_nothing(model, owner_client, acme_data, rival_rows):
    row = rival_rows[model]
    before = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
    response = owner_client.post(
        url(model, "change", row.pk), {"name": "hijacked", "note": "hijacked"}
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
    owner_client.post(url(model, "delete", row.pk), {"post": "yes"})
    row = model._default_manager.get(pk=row.pk)
    assert {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields} == before


def test_bulk_delete_cannot_reach_another_accounts_rows(owner_client, acme_data, rival_data):
    response = owner_client.post(
        url(Product, "changelist"),
        {"action": "delete_selected", "_selected_action": [rival_data.product.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert Product.objects.filter(pk=rival_data.product.pk).exists()


def test_user_password_form_of_another_account_is_not_found(owner_client, rival_owner):
    response = owner_client.get(reverse("admin:auth_user_password_change", args=[rival_owner.pk]))
    assert response.status_code == 404
    assert_no_leak(response)


def test_autocomplete_offers_only_the_account_rows(
    owner_client, acme_data, sister_data, rival_data
):
    response = owner_client.get(
        "/admin/autocomplete/",
        {"app_label": "catalog", "model_name": "product", "field_name": "upsells", "term": "mug"},
    )
    assert response.status_code == 200
    assert sorted(result["text"] for result in response.json()["results"]) == [
        "Acme mug",
        "Sister mug",
    ]


def test_list_filters_name_no_other_account(owner_client, acme_data, rival_data):
    response = owner_client.get(url(Product, "changelist"))
    assert "Acme Shop" in response.content.decode()  # the company filter is there
    assert_no_leak(response)


def test_the_history_of_own_rows_works_and_logs_nothing_foreign(owner_client, acme_data):
    response = owner_client.get(url(Product, "history", acme_data.product.pk))
    assert response.status_code == 200
    assert LogEntry.objects.count() == 0


# -- foreign ids posted in forms --------------------------------------------------------------


def test_a_product_cannot_be_added_to_another_accounts_company(owner_client, acme_data, rival_data):
    page = owner_client.get(url(Product, "add"))
    data = form_data(page)
    data.update(company=str(rival_data.company.pk), name="Smuggled", type="simple")
    response = owner_client.post(url(Product, "add"), data)
    assert response.status_code == 200
    assert errors_of(response) == [INVALID_CHOICE]
    assert not Product.objects.filter(name="Smuggled").exists()


def test_a_product_cannot_link_another_accounts_rows(owner_client, acme_data, rival_data):
    page = owner_client.get(change_url(acme_data.product))
    for field, value in [
        ("categories", [str(rival_data.category.pk)]),
        ("upsells", [str(rival_data.product.pk)]),
        ("cross_sells", [str(acme_data.variable.pk), str(rival_data.variable.pk)]),
    ]:
        data = form_data(page)
        data[field] = value
        response = owner_client.post(change_url(acme_data.product), data)
        assert response.status_code == 200, field
        assert errors_of(response) == [
            f"Select a valid choice. {value[-1]} is not one of the available choices."
        ]
    assert list(acme_data.product.upsells.all()) == []


def test_an_inline_row_cannot_use_another_accounts_price_type(owner_client, acme_data, rival_data):
    page = owner_client.get(change_url(acme_data.product))
    data = form_data(page)
    data["prices-0-price_type"] = str(rival_data.price_type.pk)
    response = owner_client.post(change_url(acme_data.product), data)
    assert response.status_code == 200
    assert errors_of(response) == [INVALID_CHOICE]
    assert (
        ProductPrice.objects.get(pk=acme_data.product_price.pk).price_type == acme_data.price_type
    )


def test_a_term_cannot_be_added_to_another_accounts_attribute(owner_client, acme_data, rival_data):
    page = owner_client.get(url(Term, "add"))
    data = form_data(page)
    data.update(attribute=str(rival_data.attribute.pk), name="Smuggled")
    response = owner_client.post(url(Term, "add"), data)
    assert errors_of(response) == [INVALID_CHOICE]
    assert not Term.objects.filter(name="Smuggled").exists()


def test_a_form_posting_account_is_ignored(owner_client, account, rival_data):
    """The account of a new row is the user's own: an `account` value in the post is ignored."""
    page = owner_client.get(url(Role, "add"))
    data = form_data(page)
    data.update(
        name="Sales", account=str(rival_data.company.account_id), permissions=["orders.view.own"]
    )
    response = owner_client.post(url(Role, "add"), data)
    assert response.status_code == 302
    role = Role.objects.get(name="Sales")
    assert (role.account, role.permissions) == (account, ["orders.view.own"])


def test_a_company_stays_in_its_account(owner_client, account, company, rival_data):
    page = owner_client.get(change_url(company))
    data = form_data(page)
    data.update(account=str(rival_data.company.account_id), name="Renamed")
    assert owner_client.post(change_url(company), data).status_code == 302
    company.refresh_from_db()
    assert (company.account, company.name) == (account, "Renamed")


def test_a_member_cannot_be_given_another_accounts_company_or_role(owner_client, rival_data):
    rival_role = Role.objects.create(account=rival_data.company.account, name="Theirs")
    page = owner_client.get(url(User, "add"))
    for field, value in [("company", str(rival_data.company.pk)), ("roles", [str(rival_role.pk)])]:
        data = form_data(page)
        data.update(
            {"username": "newbie", "password1": "newbie-pass-987", "password2": "newbie-pass-987"}
        )
        data[f"membership-0-{field}"] = value
        response = owner_client.post(url(User, "add"), data)
        assert response.status_code == 200, field
        assert len(errors_of(response)) == 1
        assert errors_of(response)[0].startswith("Select a valid choice.")
    assert not User.objects.filter(username="newbie").exists()


# -- the same account, two companies ----------------------------------------------------------


def test_rows_of_two_companies_cannot_be_tied_together(owner_client, acme_data, sister_data):
    """The other company is in the user's account (so it is offered), but a price of one
    company's product must use that company's price type."""
    page = owner_client.get(change_url(acme_data.product))
    data = form_data(page)
    data["prices-0-price_type"] = str(sister_data.price_type.pk)
    data["upsells"] = [str(sister_data.product.pk)]
    response = owner_client.post(change_url(acme_data.product), data)
    assert response.status_code == 200
    assert errors_of(response) == ["Choose rows of this document's company only."] * 2
    assert (
        ProductPrice.objects.get(pk=acme_data.product_price.pk).price_type == acme_data.price_type
    )


def test_a_duplicate_sku_is_a_form_error_not_a_crash(owner_client, acme_data):
    page = owner_client.get(change_url(acme_data.variable))
    data = form_data(page)
    data["sku"] = acme_data.product.sku
    response = owner_client.post(change_url(acme_data.variable), data)
    assert response.status_code == 200
    assert errors_of(response) == ["Constraint “product_sku_unique_per_company” is violated."]


def test_saving_own_rows_works(owner_client, acme_data):
    page = owner_client.get(change_url(acme_data.product))
    data = form_data(page)
    data["name"] = "Acme mug XL"
    data["prices-0-value"] = "13.75"
    response = owner_client.post(change_url(acme_data.product), data)
    assert response.status_code == 302
    acme_data.product_price.refresh_from_db()
    assert acme_data.product_price.value == Decimal("13.75")
    assert Product.objects.get(pk=acme_data.product.pk).name == "Acme mug XL"


@pytest.mark.parametrize("pk", ["abc", "9" * 30, "-1", "0", "%00", "1%20OR%201=1", "1'--"])
def test_malformed_ids_in_the_address_are_not_found(owner_client, acme_data, pk):
    response = owner_client.get(f"/admin/catalog/product/{pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


@pytest.mark.parametrize(
    ("model", "term", "found"),
    [
        (CustomerOrder, "1", ["Order 1"]),
        (CustomerOrder, "abc", []),
        (CustomerOrder, "9" * 30, []),
        (StockDocument, "-1", []),
        (Product, "mug", ["Acme mug"]),
        (Product, "' OR 1=1 --", []),
        (Product, "RIVALMARK", []),
        (Product, "Ünï ☕ 価格", []),
        (Product, "x" * 5000, []),
    ],
)
def test_search_takes_any_text_and_stays_in_the_account(
    owner_client, acme_data, rival_data, model, term, found
):
    response = owner_client.get(url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    assert [str(obj) for obj in response.context["cl"].result_list] == found
