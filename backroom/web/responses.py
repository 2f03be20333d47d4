"""Answers every screen gives the same way: "not allowed" says why, "not found" says nothing
about whether the row exists elsewhere; and the one decorator that turns the domain's errors
into them."""

from collections.abc import Callable, Mapping
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from backroom.accounts.errors import NotAllowed, NotFound


def denied(request: HttpRequest, *, reason: str, back_url: str = "/") -> HttpResponse:
    """403 with the reason in words (the user's roles lack a permission)."""
    return render(request, "web/denied.html", {"reason": reason, "back_url": back_url}, status=403)


def not_found(request: HttpRequest, *, what: str, back_url: str = "/") -> HttpResponse:
    """404, the same for a missing id and another account's."""
    return render(request, "web/not_found.html", {"what": what, "back_url": back_url}, status=404)


def screen_of(*, what: str, back: str, reason: Callable[[NotAllowed], str]):
    """A decorator for the screens of one kind of document (`what`, listed at the url named
    `back`): login required; NotFound becomes the one 404 and NotAllowed a 403 saying
    `reason(error)`."""

    def screen(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                return not_found(request, what=what, back_url=reverse(back))
            except NotAllowed as error:
                return denied(request, reason=reason(error), back_url=reverse(back))

        return wrapper

    return screen


def query_string(values: Mapping[str, object], *, defaults: Mapping[str, object]) -> str:
    """`?name=value&...` of a list's state for its links, leaving out empty values and
    defaults, so the plainest state is the plainest URL; "?" when nothing is left."""
    query = QueryDict(mutable=True)
    for name, value in values.items():
        if value not in ("", None) and defaults.get(name) != value:
            query[name] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def pager_links(params: Callable[..., str], *, page: int, pages: int) -> dict[str, str]:
    """The links of web/_pager.html for page `page` of `pages`, made by the list state's
    `params(page=...)`; "" for a link that leads nowhere (first or last page)."""
    return {
        "previous_url": params(page=page - 1) if page > 1 else "",
        "next_url": params(page=page + 1) if page < pages else "",
        "first_url": params(page=1),
        "last_url": params(page=pages),
    }
