"""Every failure as JSON `{"code", "detail"}` (plus `errors` for field errors), never a page or
a stack trace.

The codes are stable; `detail` is for people. Field errors map a field of the request (a body
field, a query or path parameter, `__all__` for the body as a whole) to a list of messages: the
messages of backroom/stores/errors.py for business rules, short type messages for input that
does not fit the schema.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from backroom.accounts.errors import NotAllowed, NotFound
from backroom.api.auth import CsrfFailed
from backroom.api.parser import MAX_BODY_BYTES, BodyTooLarge
from backroom.stores.errors import StoreInvalid, StoreKeyUnavailable, StoreLimitReached

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("backroom.api")

INVALID_DETAIL = "The request has errors: see `errors`."
NOT_ALLOWED_DETAIL = "You do not have permission to do this."
UNAUTHENTICATED_DETAIL = "Sign in, or send a valid API token as 'Authorization: Bearer <token>'."
CSRF_DETAIL = "CSRF check failed: session calls that change data must send the X-CSRFToken header."
MALFORMED_DETAIL = "The body is not valid JSON text."
NOT_AN_OBJECT = "Send a JSON object."
NO_SUCH_PATH_DETAIL = "No such endpoint."
INTERNAL_DETAIL = "Something went wrong on the server; it has been logged."

# Pydantic's wording where a plainer one helps; every other type error keeps pydantic's message.
_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
}
_NOT_AN_OBJECT_TYPES = {"missing", "model_attributes_type", "model_type", "dict_type"}


class ErrorOut(Schema):
    code: str
    detail: str
    errors: dict[str, list[str]] | None = None


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def field_errors(raw_errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's errors by request field. `loc` is (source, [param,] field, index...):
    ("body", "payload", "department_ids", 3) -> "department_ids"; ("query", "page") -> "page";
    a body that is not an object at all -> "__all__"."""
    errors: dict[str, list[str]] = {}
    for error in raw_errors:
        loc = [str(part) for part in error.get("loc", ())]
        kind = error.get("type", "")
        if loc and loc[0] == "body":
            loc = loc[2:]
        elif loc:
            loc = loc[1:]
        field = loc[0] if loc else "__all__"
        if field == "__all__" and kind in _NOT_AN_OBJECT_TYPES:
            message = NOT_AN_OBJECT
        else:
            message = _MESSAGES.get(kind, error.get("msg", "Invalid value."))
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return errors


def install_error_handlers(api: NinjaAPI) -> None:
    """Register one handler per kind of failure on `api`."""

    def handle(exc_class):
        def register(function):
            api.add_exception_handler(exc_class, function)
            return function

        return register

    @handle(ValidationError)
    def invalid_input(request, exc: ValidationError):
        return error_response(
            api,
            request,
            status=422,
            code="invalid_input",
            detail=INVALID_DETAIL,
            errors=field_errors(exc.errors),
        )

    @handle(StoreInvalid)
    def invalid_store(request, exc: StoreInvalid):
        return error_response(
            api, request, status=422, code=exc.code, detail=INVALID_DETAIL, errors=exc.errors
        )

    @handle(NotFound)
    def not_found(request, exc: NotFound):
        return error_response(api, request, status=404, code=exc.code, detail=str(exc))

    @handle(NotAllowed)
    def not_allowed(request, exc: NotAllowed):
        return error_response(api, request, status=403, code=exc.code, detail=NOT_ALLOWED_DETAIL)

    @handle(StoreLimitReached)
    def limit_reached(request, exc: StoreLimitReached):
        return error_response(api, request, status=409, code=exc.code, detail=str(exc))

    @handle(StoreKeyUnavailable)
    def key_unavailable(request, exc: StoreKeyUnavailable):
        return error_response(api, request, status=409, code=exc.code, detail=str(exc))

    @handle(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        response = error_response(
            api, request, status=401, code="unauthenticated", detail=UNAUTHENTICATED_DETAIL
        )
        response["WWW-Authenticate"] = 'Bearer realm="backroom"'
        return response

    @handle(CsrfFailed)
    def csrf_failed(request, exc: CsrfFailed):
        return error_response(api, request, status=403, code="csrf_failed", detail=CSRF_DETAIL)

    @handle(RequestDataTooBig)
    def too_large(request, exc: Exception):
        """Over this API's limit or over Django's DATA_UPLOAD_MAX_MEMORY_SIZE: the smaller
        one is what a caller must stay under."""
        limit = min(MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or MAX_BODY_BYTES)
        detail = f"The body is larger than {limit} bytes."
        return error_response(api, request, status=413, code="body_too_large", detail=detail)

    @handle(HttpError)
    def http_error(request, exc: HttpError):
        """ninja wraps a parser failure in HttpError(400) `from` the parser's exception."""
        if isinstance(exc.__cause__, BodyTooLarge):
            return too_large(request, exc)
        if isinstance(exc.__cause__, ValueError | RecursionError):  # JSON, UTF-8, surrogates
            return error_response(
                api, request, status=400, code="malformed_json", detail=MALFORMED_DETAIL
            )
        return error_response(
            api, request, status=exc.status_code, code="http_error", detail=str(exc)
        )

    @handle(Http404)
    def http404(request, exc: Http404):
        return error_response(
            api, request, status=404, code="not_found", detail=NO_SUCH_PATH_DETAIL
        )

    @handle(Exception)
    def unexpected(request, exc: Exception):
        """A bug: logged with its traceback for the operators, a plain 500 for the caller."""
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return error_response(
            api, request, status=500, code="internal_error", detail=INTERNAL_DETAIL
        )


def no_such_endpoint(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under /api/v1/: a JSON 404, not the site's HTML page."""
    return JsonResponse({"code": "not_found", "detail": NO_SUCH_PATH_DETAIL}, status=404)
