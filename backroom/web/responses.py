"""Answers every screen gives the same way: "not allowed" says why, "not found" says nothing
about whether the row exists elsewhere."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def denied(request: HttpRequest, *, reason: str, back_url: str = "/") -> HttpResponse:
    """403 with the reason in words (the user's roles lack a permission)."""
    return render(request, "web/denied.html", {"reason": reason, "back_url": back_url}, status=403)


def not_found(request: HttpRequest, *, what: str, back_url: str = "/") -> HttpResponse:
    """404, the same for a missing id and another account's."""
    return render(request, "web/not_found.html", {"what": what, "back_url": back_url}, status=404)
