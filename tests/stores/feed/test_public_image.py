"""The public image view: kept catalog pictures at the address the feed sends."""

import pytest
from django.core.files.base import ContentFile

from backroom.catalog.models import Image
from backroom.catalog.selectors import image_address

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BACKROOM_PUBLIC_URL = "http://testserver"


def kept(company, name: str, content: bytes = PNG) -> Image:
    image = Image(company=company, original_name=name)
    image.file.save(name, ContentFile(content), save=True)
    return image


def path_of(image: Image) -> str:
    return image_address(image=image).removeprefix("http://testserver")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("front.png", PNG, "image/png"),
        ("front.JPG", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("anim.gif", b"GIF89a", "image/gif"),
        ("pic.webp", b"RIFF....WEBP", "image/webp"),
        ("tête à tête.png", PNG, "image/png"),
    ],
)
def test_a_kept_picture_is_served_with_its_type(client, company, name, content, content_type):
    image = kept(company, name, content)
    response = client.get(path_of(image))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_head_is_answered_post_is_not(client, company):
    image = kept(company, "front.png")
    assert client.head(path_of(image)).status_code == 200
    assert client.post(path_of(image)).status_code == 405


def test_the_address_is_absolute_and_quoted(company, settings):
    settings.BACKROOM_PUBLIC_URL = "https://crm.example"
    image = kept(company, "tête.png")
    name = image.file.name.rsplit("/", 1)[-1]
    assert image_address(image=image) == (
        f"https://crm.example/api/public/images/{image.pk}/{name.replace('ê', '%C3%AA')}"
    )


def test_imported_pictures_are_not_served_here(client, company):
    image = Image.objects.create(company=company, source_url="https://img.example/a.png")
    assert client.get(f"/api/public/images/{image.pk}/a.png").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/public/images/{pk}/other.png",  # another name
        "/api/public/images/{wrong}/{name}",  # another id
        "/api/public/images/99999999999999999999999/{name}",  # beyond any id
        "/api/public/images/{pk}/..%2F..%2Fsecret_key",
        "/api/public/images/{pk}/../../secret_key",
        "/api/public/images/{pk}/{name}/extra",
        "/api/public/images/{pk}/",
        "/api/public/images/-1/{name}",
        "/api/public/images/{pk}/%00.png",
    ],
)
def test_anything_else_is_404(client, company, path):
    image = kept(company, "front.png")
    name = image.file.name.rsplit("/", 1)[-1]
    url = path.format(pk=image.pk, wrong=image.pk + 1, name=name)
    assert client.get(url).status_code == 404


def test_a_missing_file_is_404(client, company):
    image = kept(company, "front.png")
    image.file.storage.delete(image.file.name)
    assert client.get(path_of(image)).status_code == 404


@pytest.mark.parametrize("name", ["drawing.svg", "page.html", "notes.txt", "noext"])
def test_only_raster_pictures_are_served(client, company, name):
    image = kept(company, name, b"<svg onload=alert(1)>")
    assert client.get(path_of(image)).status_code == 404
