"""The public image view: stores (WordPress hosts) download catalog pictures from here."""

from pathlib import PurePosixPath

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from backroom.catalog.selectors import PUBLIC_IMAGE_TYPES, get_public_image

CACHE_SECONDS = 86400


@require_safe
def public_image(request: HttpRequest, image_id: int, file_name: str) -> FileResponse:
    """A kept catalog picture, with its image type; 404 for anything else (an imported
    picture, another name, a missing file). No key: the store's WordPress downloads it on its
    own, and the address is what the store API sends."""
    image = get_public_image(image_id=image_id, file_name=file_name)
    if image is None:
        raise Http404("No such picture.")
    try:
        handle = image.file.open("rb")
    except FileNotFoundError:
        raise Http404("No such picture.") from None
    response = FileResponse(
        handle, content_type=PUBLIC_IMAGE_TYPES[PurePosixPath(file_name).suffix.lower()]
    )
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
