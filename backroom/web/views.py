from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backroom.web.responses import not_found


@login_required
def home(request):
    return render(request, "web/home.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Any address that names nothing (handler404): the app's own page, which says as little
    as every other "not found" (never why)."""
    return not_found(request, what="page")
