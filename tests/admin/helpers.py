"""Driving the admin over the test client: URLs, and the POST data a rendered form would send."""

from django.contrib import admin
from django.db.models import Model
from django.urls import reverse

LEAKS = ("RIVALMARK", "Rival Shop", "rival-owner")
"""Texts of the rival account that must never appear on another account's page."""


def url(model: type[Model] | Model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def change_url(obj: Model) -> str:
    return url(obj, "change", obj.pk)


def registered_models() -> list[type[Model]]:
    """Backroom's models in the admin (Django's own Group is the operator's)."""
    return [model for model in admin.site._registry if model._meta.app_label != "auth"]


def _put(data: dict, bound_field) -> None:
    value = bound_field.value()
    name = bound_field.html_name
    if isinstance(value, bool):
        if value:
            data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    elif value is not None:
        data[name] = str(value)


def form_data(response) -> dict:
    """What the browser would post back for the admin page in `response`, unchanged."""
    data: dict = {}
    form = response.context["adminform"].form
    forms = [form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            _put(data, management[name])
        forms.extend(formset.forms)
    for each in forms:
        for name in each.fields:
            _put(data, each[name])
    return data


def assert_no_leak(response) -> None:
    content = response.content.decode()
    for text in LEAKS:
        assert text not in content, f"{text!r} shown on {response.request['PATH_INFO']}"


def errors_of(response) -> list[str]:
    """Every error message on an admin form page (form, inline forms, non-form errors)."""
    messages = []
    form = response.context["adminform"].form
    for errors in form.errors.values():
        messages.extend(errors)
    for inline in response.context["inline_admin_formsets"]:
        messages.extend(inline.formset.non_form_errors())
        for each in inline.formset.errors:
            for errors in each.values():
                messages.extend(errors)
    return messages
