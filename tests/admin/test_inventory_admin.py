"""Stock in the admin: documents are drafted, then completed by an action that goes through
inventory.services; on-hand and reservations are never edited by hand."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from backroom.catalog.models import Product
from backroom.inventory.models import Reservation, StockDocument, StockLevel
from tests.admin.helpers import change_url, errors_of, form_data, url


@pytest.fixture
def signed_in(client, owner):
    type(owner).objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


def add_receipt(client, company, warehouse, lines, **extra):
    page = client.get(url(StockDocument, "add"))
    data = form_data(page)
    data.update(
        company=str(company.pk), kind="receipt", department=str(warehouse.pk), note="from admin"
    )
    data["lines-TOTAL_FORMS"] = str(len(lines))
    for index, (product, quantity) in enumerate(lines):
        data[f"lines-{index}-product"] = str(product.pk)
        data[f"lines-{index}-quantity"] = quantity
    data.update(extra)
    response = client.post(url(StockDocument, "add"), data)
    if response.status_code == 302:
        client.get(response["Location"])  # shows, and so clears, the "added" message
    return response


def run_action(client, action, documents):
    return client.post(
        url(StockDocument, "changelist"),
        {"action": action, "_selected_action": [d.pk for d in documents]},
        follow=True,
    )


def on_hand(product, department) -> Decimal:
    level = StockLevel.objects.filter(product=product, department=department).first()
    return level.on_hand if level else Decimal(0)


def test_a_new_document_is_a_numbered_draft_that_moves_nothing(
    signed_in, company, warehouse, widget, gadget
):
    response = add_receipt(signed_in, company, warehouse, [(widget, "3.5"), (gadget, "2")])
    assert response.status_code == 302
    document = StockDocument.objects.get()
    assert (document.number, document.kind, document.is_completed, document.note) == (
        1,
        "receipt",
        False,
        "from admin",
    )
    assert document.created_by.username == "owner"
    assert sorted((line.product.name, line.quantity) for line in document.lines.all()) == [
        (gadget.name, Decimal("2.000")),
        (widget.name, Decimal("3.500")),
    ]
    assert on_hand(widget, warehouse) == 0
    assert response["Location"] == url(StockDocument, "changelist")
    assert add_receipt(signed_in, company, warehouse, [(widget, "1")]).status_code == 302
    assert sorted(StockDocument.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ([], "Please submit at least 1 form."),
        ([("widget", "0")], "Constraint “stock_line_quantity_positive” is violated."),
        ([("widget", "-2")], "Constraint “stock_line_quantity_positive” is violated."),
        ([("widget", "abc")], "Enter a number."),
        ([("widget", "1e400")], "Ensure that there are no more than 15 digits in total."),
        ([("widget", "1,5")], "Enter a number."),
        ([("widget", "1.0001")], "Ensure that there are no more than 3 decimal places."),
        (
            [("foreign_product", "1")],
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_a_bad_draft_is_a_form_error(
    signed_in, company, warehouse, widget, foreign_product, lines, error
):
    products = {"widget": widget, "foreign_product": foreign_product}
    response = add_receipt(signed_in, company, warehouse, [(products[p], q) for p, q in lines])
    assert response.status_code == 200
    assert error in errors_of(response)
    assert not StockDocument.objects.exists()


def test_digits_of_other_scripts_are_read_as_numbers(signed_in, company, warehouse, widget):
    """Django reads Unicode digits as their value: an Arabic-Indic "٣" is 3, not junk."""
    assert add_receipt(signed_in, company, warehouse, [(widget, "٣")]).status_code == 302
    assert StockDocument.objects.get().lines.get().quantity == Decimal("3.000")


def test_completing_and_uncompleting_go_through_the_service(signed_in, company, warehouse, widget):
    add_receipt(signed_in, company, warehouse, [(widget, "4")])
    document = StockDocument.objects.get()
    response = run_action(signed_in, "complete_documents", [document])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Receipt 1: completed."]
    document.refresh_from_db()
    assert document.is_completed and document.completed_at is not None
    assert on_hand(widget, warehouse) == Decimal("4.000")

    response = run_action(signed_in, "complete_documents", [document])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Receipt 1: Stock document {document.pk} is already completed."
    ]
    assert on_hand(widget, warehouse) == Decimal("4.000")

    run_action(signed_in, "uncomplete_documents", [document])
    document.refresh_from_db()
    assert not document.is_completed
    assert on_hand(widget, warehouse) == 0


def test_a_completed_document_is_locked(signed_in, company, warehouse, widget):
    add_receipt(signed_in, company, warehouse, [(widget, "4")])
    document = StockDocument.objects.get()
    run_action(signed_in, "complete_documents", [document])
    page = signed_in.get(change_url(document))
    assert page.context["adminform"].form.fields.keys() == set()  # department, kind, note read-only
    inline = page.context["inline_admin_formsets"][0]
    assert (
        inline.has_add_permission,
        inline.has_change_permission,
        inline.has_delete_permission,
    ) == (
        False,
        False,
        False,
    )
    data = form_data(page)
    data["lines-0-quantity"] = "400"
    signed_in.post(change_url(document), data)
    assert document.lines.get().quantity == Decimal("4.000")
    assert signed_in.get(url(StockDocument, "delete", document.pk)).status_code == 403
    response = signed_in.post(
        url(StockDocument, "changelist"),
        {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert StockDocument.objects.filter(pk=document.pk).exists()
    assert on_hand(widget, warehouse) == Decimal("4.000")


def test_a_draft_can_be_edited_and_deleted(signed_in, company, warehouse, widget):
    add_receipt(signed_in, company, warehouse, [(widget, "4")])
    document = StockDocument.objects.get()
    data = form_data(signed_in.get(change_url(document)))
    data["lines-0-quantity"] = "6"
    assert signed_in.post(change_url(document), data).status_code == 302
    assert document.lines.get().quantity == Decimal("6.000")
    assert (
        signed_in.post(url(StockDocument, "delete", document.pk), {"post": "yes"}).status_code
        == 302
    )
    assert not StockDocument.objects.exists()


def test_the_complete_action_skips_documents_the_user_may_not_edit(
    client, account, company, other_company, warehouse, widget
):
    from backroom.companies.models import Department
    from backroom.inventory.services import create_stock_document
    from tests.admin.test_roles import staff

    depot = Department.objects.create(company=other_company, name="Depot")
    bolt = Product.objects.create(company=other_company, name="Bolt")
    own = create_stock_document(
        company=company,
        department=warehouse,
        kind="receipt",
        lines=[(widget, Decimal(1))],
        complete=False,
    )
    other = create_stock_document(
        company=other_company,
        department=depot,
        kind="receipt",
        lines=[(bolt, Decimal(1))],
        complete=False,
    )
    client.force_login(
        staff(account, company, "keeper", ["inventory.view.all", "inventory.edit.own"])
    )
    response = run_action(client, "complete_documents", [own, other])
    assert sorted(str(m) for m in get_messages(response.wsgi_request)) == [
        "Receipt 1: completed.",
        "Receipt 1: you may not change this document.",
    ]
    own.refresh_from_db(), other.refresh_from_db()
    assert (own.is_completed, other.is_completed) == (True, False)


def test_stock_levels_and_reservations_are_read_only(signed_in, acme_data):
    for model, row in ((StockLevel, acme_data.stock_level), (Reservation, acme_data.reservation)):
        assert signed_in.get(url(model, "changelist")).status_code == 200
        assert signed_in.get(url(model, "add")).status_code == 403
        page = signed_in.get(change_url(row))
        assert page.status_code == 200
        assert page.context["has_change_permission"] is False
        assert (
            signed_in.post(change_url(row), {"on_hand": "999", "quantity": "999"}).status_code
            == 403
        )
        assert signed_in.get(url(model, "delete", row.pk)).status_code == 403
    acme_data.stock_level.refresh_from_db()
    assert acme_data.stock_level.on_hand == Decimal("5.000")
