"""Who is calling: an API token (`Authorization: Bearer brt_...`) or the browser's session.

A request that carries an Authorization header is judged by it alone: a wrong, revoked or
malformed token is a 401 even when a session cookie comes along, so that a script never acts
through somebody's browser session by accident. Session calls must pass Django's CSRF check on
unsafe methods (a cookie travels with cross-site requests; an Authorization header does not).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security.apikey import APIKeyCookie
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from backroom.accounts.models import User
from backroom.accounts.services import authenticate_token


class CsrfFailed(Exception):
    """A session call with an unsafe method lacks a valid CSRF token."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; any other Authorization header is refused (401).

    Unlike ninja's HttpBearer it never logs the header: it may hold a secret."""

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError()
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = authenticate_token(token)
        if user is None:
            raise AuthenticationError()
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in user of the session cookie; unsafe methods also need the CSRF token
    (header `X-CSRFToken`, as Django's forms and htmx send it). Without a signed-in user this
    answers None, so an anonymous call is a 401 rather than a CSRF failure."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> User | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed()
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        """Required by the base class; __call__ above does the work without it."""
        return request.user if request.user.is_authenticated else None
