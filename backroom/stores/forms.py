"""Forms of the connection screens. They only turn what a browser sends into typed values (a
StoreInput, a list of ids, a choice); every rule of the document lives in
stores.services.validate_store_input, so the screens, the JSON API and the live asterisks give
the same messages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from backroom.accounts.selectors import parse_id
from backroom.stores.models import Store
from backroom.stores.services import StoreInput

CHOOSE_FROM_LIST = "Choose from the list."
WHOLE_NUMBER = "Enter a whole number from 0 to 365."
MAX_IDS = 1000
"""More ids than this in one field is not a person using the form."""

TEXT_FIELDS = ("name", "language", "allowed_addresses", "if_customer_not_found")
ID_FIELDS = (
    "company_id",
    "regular_price_type_id",
    "sale_price_type_id",
    "orders_department_id",
    "order_creator_id",
    "default_customer_id",
)
FLAG_FIELDS = ("is_let_sync", "auto_reserve")
DOCUMENT_FIELDS = (
    "company_id",
    "name",
    "language",
    "allowed_addresses",
    "is_let_sync",
    "regular_price_type_id",
    "sale_price_type_id",
    "orders_department_id",
    "order_creator_id",
    "if_customer_not_found",
    "default_customer_id",
    "days_to_shipment",
    "auto_reserve",
    "department_ids",
)
"""StoreInput's fields, in the order the document shows them (and the error summary lists)."""


class IdField(forms.Field):
    """An optional row id: ASCII digits within a bigint, else "choose from the list"."""

    default_error_messages = {"invalid": CHOOSE_FROM_LIST}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        row_id = parse_id(str(value).strip())
        if row_id is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return row_id


class IdListField(forms.Field):
    """Several row ids (a multi-select or checkboxes); repeats dropped, order kept."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": CHOOSE_FROM_LIST}

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str) or len(value) > MAX_IDS:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        ids = [parse_id(str(item).strip()) for item in value]
        if None in ids:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(ids))


class StoreForm(forms.Form):
    """The connection document as posted. Nothing is required here: a missing value reaches
    validate_store_input as None or "", which names it on its field."""

    company_id = IdField(required=False)
    name = forms.CharField(required=False)
    language = forms.CharField(required=False)
    allowed_addresses = forms.CharField(required=False, strip=False)
    is_let_sync = forms.BooleanField(required=False)
    regular_price_type_id = IdField(required=False)
    sale_price_type_id = IdField(required=False)
    orders_department_id = IdField(required=False)
    order_creator_id = IdField(required=False)
    if_customer_not_found = forms.CharField(required=False)
    default_customer_id = IdField(required=False)
    days_to_shipment = forms.IntegerField(required=False, error_messages={"invalid": WHOLE_NUMBER})
    auto_reserve = forms.BooleanField(required=False)
    department_ids = IdListField(required=False)

    def to_input(self) -> StoreInput:
        """The typed values (call after is_valid(); a field that could not be read is None or
        empty, and errors() says why). The default customer is dropped unless it is used, so
        a customer chosen and then abandoned is never saved."""
        data = {name: self.cleaned_data.get(name) for name in DOCUMENT_FIELDS}
        data["name"] = data["name"] or ""
        data["language"] = (data["language"] or "").strip()
        data["allowed_addresses"] = data["allowed_addresses"] or ""
        data["if_customer_not_found"] = data["if_customer_not_found"] or ""
        data["department_ids"] = data["department_ids"] or []
        data["is_let_sync"] = bool(data["is_let_sync"])
        data["auto_reserve"] = bool(data["auto_reserve"])
        if data["if_customer_not_found"] != Store.IfCustomerNotFound.USE_DEFAULT:
            data["default_customer_id"] = None
        return StoreInput(**data)

    def reading_errors(self) -> dict[str, list[str]]:
        """Messages for values that could not even be read (not a number, not an id)."""
        return {name: list(messages) for name, messages in self.errors.items()}


def merge_errors(
    reading: dict[str, list[str]], rules: dict[str, list[str]]
) -> dict[str, list[str]]:
    """One message list per field: what could not be read wins over the rules' "required" that
    follows from it; fields in document order, then anything else ("__all__")."""
    merged = {**rules, **reading}
    ordered = {name: merged[name] for name in DOCUMENT_FIELDS if merged.get(name)}
    ordered.update({name: m for name, m in merged.items() if name not in ordered and m})
    return ordered


class LinkForm(forms.Form):
    """Bulk linking: which connections, which categories and attributes, and what to do."""

    MODES = (
        ("add", "Add to existing"),
        ("replace", "Replace"),
        ("remove", "Remove"),
    )

    store_ids = IdListField(required=False)
    category_ids = IdListField(required=False)
    attribute_ids = IdListField(required=False)
    mode = forms.ChoiceField(
        choices=MODES,
        error_messages={
            "required": "Choose what to do: add, replace or remove.",
            "invalid_choice": "Choose what to do: add, replace or remove.",
        },
    )

    def clean(self):
        cleaned = super().clean()
        # Everything missing is said at once (fields that failed to parse already have errors).
        if "store_ids" in cleaned and not cleaned["store_ids"]:
            self.add_error("store_ids", "Choose at least one connection.")
        chosen_items = {"category_ids", "attribute_ids"} & set(cleaned)
        if chosen_items == {"category_ids", "attribute_ids"} and not any(
            cleaned[name] for name in chosen_items
        ):
            self.add_error(None, "Choose at least one category or attribute.")
        return cleaned
