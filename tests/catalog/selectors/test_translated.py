"""translated(): a translation's texts, falling back to the base text field by field."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backroom.catalog.models import Product
from backroom.catalog.selectors import translated
from backroom.catalog.services import save_translation


def test_falls_back_field_by_field(company):
    product = Product.objects.create(
        company=company, name="Mug", description="Big", short_description="Cup"
    )
    save_translation(item=product, language="DE", name="Becher", description="")
    texts = translated(item=product, language="de")
    assert (texts["name"], texts["description"], texts["short_description"]) == (
        "Becher",
        "Big",
        "Cup",
    )
    assert translated(item=product, language="FR")["name"] == "Mug"
    assert translated(item=product, language="EN")["name"] == "Mug"


def test_no_query_when_translations_are_prefetched(company):
    product = Product.objects.create(company=company, name="Mug")
    save_translation(item=product, language="DE", name="Becher")
    [loaded] = Product.objects.prefetch_related("translations")
    with CaptureQueriesContext(connection) as context:
        assert translated(item=loaded, language="DE")["name"] == "Becher"
    assert len(context.captured_queries) == 0
