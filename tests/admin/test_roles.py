"""The admin answers from Backroom's roles: view / create / edit / delete, own company or all."""

import pytest

from backroom.accounts.models import Membership, User
from backroom.catalog.models import Product
from backroom.customers.models import Customer
from backroom.orders.models import CustomerOrder
from tests.admin.helpers import assert_no_leak, change_url, errors_of, form_data, url
from tests.conftest import make_user


def staff(account, company, username, permissions) -> User:
    user = make_user(account, company, username=username, permissions=permissions)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


def listed(client, model) -> list[str]:
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return sorted(str(obj) for obj in response.context["cl"].result_list)


@pytest.fixture
def viewer(client, account, company, acme_data, sister_data, rival_data):
    """A clerk of `company` who may only view its catalog."""
    client.force_login(staff(account, company, "viewer", ["catalog.view.own"]))
    return client


def test_view_own_lists_the_own_companys_products_only(viewer):
    assert listed(viewer, Product) == ["Acme mug", "Acme shirt", "Acme shirt red"]


def test_view_own_opens_own_products_read_only(viewer, acme_data):
    response = viewer.get(change_url(acme_data.product))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b'name="_save"' not in response.content
    data = form_data(response) if "adminform" in response.context else {}
    data["name"] = "Changed"
    assert viewer.post(change_url(acme_data.product), data).status_code == 403
    assert Product.objects.get(pk=acme_data.product.pk).name == "Acme mug"


def test_view_own_cannot_open_the_other_companys_product(viewer, sister_data):
    response = viewer.get(change_url(sister_data.product), follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert "Sister mug" not in response.content.decode()


def test_view_own_cannot_add_delete_or_see_other_documents(viewer, acme_data):
    assert viewer.get(url(Product, "add")).status_code == 403
    assert viewer.get(url(Product, "delete", acme_data.product.pk)).status_code == 403
    assert viewer.get(url(CustomerOrder, "changelist")).status_code == 403
    assert viewer.get(url(Customer, "changelist")).status_code == 403
    assert viewer.get(url(User, "changelist")).status_code == 403
    response = viewer.post(
        url(Product, "changelist"),
        {"action": "delete_selected", "_selected_action": [acme_data.product.pk], "post": "yes"},
    )
    assert Product.objects.filter(pk=acme_data.product.pk).exists()
    assert response.status_code in (200, 302)


def test_the_index_shows_only_what_roles_open(viewer):
    response = viewer.get("/admin/")
    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert models == {"Product", "Category", "Attribute", "Term", "Image"}
    assert_no_leak(response)


@pytest.fixture
def editor(client, account, company, acme_data, sister_data, rival_data):
    """Sees every company's catalog, creates, edits and deletes only in the own company."""
    client.force_login(
        staff(
            account,
            company,
            "editor",
            ["catalog.view.all", "catalog.edit.own", "catalog.create.own", "catalog.delete.own"],
        )
    )
    return client


def test_view_all_lists_every_company_of_the_account(editor):
    assert listed(editor, Product) == [
        "Acme mug",
        "Acme shirt",
        "Acme shirt red",
        "Sister mug",
        "Sister shirt",
        "Sister shirt red",
    ]


def test_edit_own_changes_own_rows_and_only_views_the_others(editor, acme_data, sister_data):
    data = form_data(editor.get(change_url(acme_data.product)))
    data["name"] = "Acme mug v2"
    assert editor.post(change_url(acme_data.product), data).status_code == 302
    assert Product.objects.get(pk=acme_data.product.pk).name == "Acme mug v2"

    response = editor.get(change_url(sister_data.product))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert editor.post(change_url(sister_data.product), {"name": "x"}).status_code == 403
    assert Product.objects.get(pk=sister_data.product.pk).name == "Sister mug"


def test_create_own_offers_and_accepts_only_the_own_company(editor, company, other_company):
    page = editor.get(url(Product, "add"))
    assert list(page.context["adminform"].form.fields["company"].queryset) == [company]
    data = form_data(page)
    data.update(company=str(other_company.pk), name="Elsewhere", type="simple")
    response = editor.post(url(Product, "add"), data)
    assert errors_of(response) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    data.update(company=str(company.pk), name="Here")
    assert editor.post(url(Product, "add"), data).status_code == 302
    assert Product.objects.get(name="Here").company == company


def test_delete_own_refuses_a_selection_with_another_companys_row(editor, acme_data, sister_data):
    response = editor.post(
        url(Product, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [acme_data.variation.pk, sister_data.variation.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert (
        Product.objects.filter(pk__in=[acme_data.variation.pk, sister_data.variation.pk]).count()
        == 2
    )
    assert editor.get(url(Product, "delete", sister_data.variation.pk)).status_code == 403
    response = editor.post(url(Product, "delete", acme_data.variation.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Product.objects.filter(pk=acme_data.variation.pk).exists()


def test_a_staff_user_outside_every_account_sees_nothing(client, acme_data):
    stray = User.objects.create_user(username="stray", password="stray-pass-123", is_staff=True)
    client.force_login(stray)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.context["app_list"] == []
    assert client.get(url(Product, "changelist")).status_code == 403
    assert client.get(change_url(acme_data.product)).status_code in (302, 403)


def test_an_inactive_or_non_staff_user_is_sent_to_sign_in(client, account, company, acme_data):
    user = staff(account, company, "gone", ["catalog.view.all"])
    client.force_login(user)
    assert client.get(url(Product, "changelist")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(url(Product, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    member = make_user(account, company, username="nonstaff", permissions=["catalog.view.all"])
    client.force_login(member)
    assert client.get(url(Product, "changelist"))["Location"].startswith("/admin/login/")


def test_an_operator_sees_every_account(client, acme_data, rival_data):
    operator = User.objects.create_superuser(username="root", password="root-pass-123")
    client.force_login(operator)
    names = listed(client, Product)
    assert "Acme mug" in names and "RIVALMARK mug" in names


def test_an_operator_still_cannot_tie_two_companies_together(client, acme_data, rival_data):
    operator = User.objects.create_superuser(username="root", password="root-pass-123")
    client.force_login(operator)
    data = form_data(client.get(change_url(acme_data.product)))
    data["prices-0-price_type"] = str(rival_data.price_type.pk)
    response = client.post(change_url(acme_data.product), data)
    assert errors_of(response) == ["Choose rows of this document's company only."]


# -- companies and account-level pages --------------------------------------------------------


def test_creating_a_company_needs_the_all_companies_right(client, account, company):
    client.force_login(
        staff(account, company, "own", ["companies.create.own", "companies.view.own"])
    )
    assert client.get(url(type(company), "add")).status_code == 403
    client.force_login(
        staff(account, company, "all", ["companies.create.all", "companies.view.all"])
    )
    data = form_data(client.get(url(type(company), "add")))
    data.update(name="Acme Outlet", language="EN", time_zone="UTC")
    assert client.post(url(type(company), "add"), data).status_code == 302
    assert type(company).objects.get(name="Acme Outlet").account == account


def test_view_own_company_shows_the_own_company_only(client, account, company, other_company):
    client.force_login(staff(account, company, "own", ["companies.view.own"]))
    assert listed(client, type(company)) == ["Acme Shop"]
    assert client.get(change_url(other_company), follow=True).redirect_chain == [("/admin/", 302)]


def test_members_without_ownership_cannot_manage_users_or_roles(client, account, company, owner):
    client.force_login(staff(account, company, "clerk", ["companies.view.all", "stores.edit.all"]))
    assert client.get(url(User, "changelist")).status_code == 403
    assert client.get(change_url(owner)).status_code in (302, 403)
    assert client.get(url(Membership, "changelist")).status_code == 403
    assert client.get(url(type(account), "changelist")).status_code == 403


def test_the_form_itself_refuses_a_company_the_user_may_not_create_in(
    account, company, other_company
):
    """Behind the limited company select, the form checks the permission again: a form built
    without the admin's select (or a select that offers too much) still cannot write there."""
    from django.forms import modelform_factory

    from backroom.core.admin import ScopedModelForm

    editor = staff(account, company, "editor", ["catalog.create.own", "catalog.view.all"])
    form_class = modelform_factory(
        Product, form=ScopedModelForm, fields=["company", "name", "type"]
    )
    form_class.backroom_user = editor
    form_class.backroom_document = "catalog"
    denied = form_class(data={"company": other_company.pk, "name": "Elsewhere", "type": "simple"})
    assert denied.errors == {
        "company": ["You may not create this kind of document in this company."]
    }
    allowed = form_class(data={"company": company.pk, "name": "Here", "type": "simple"})
    assert allowed.is_valid()
