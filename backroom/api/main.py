"""The NinjaAPI instance of /api/v1/: authentication, parsing, errors, and the routers."""

from ninja import NinjaAPI

from backroom.api.auth import SessionAuth, TokenAuth
from backroom.api.errors import install_error_handlers
from backroom.api.parser import JsonParser
from backroom.api.stores.router import router as stores_router

api = NinjaAPI(
    title="Backroom API",
    version="1",
    description=(
        "Backroom's JSON API. Authenticate with an API token (`Authorization: Bearer <token>`, "
        "made with `backroom create_api_token USERNAME`) or with the session of a signed-in "
        "browser; session calls that change data need the `X-CSRFToken` header. Errors are "
        '`{"code", "detail"}`, with `errors` (field -> messages) for invalid input.'
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    parser=JsonParser(),
)
install_error_handlers(api)
api.add_router("/stores", stores_router)
