"""A translation is seen only by the stores in its language."""

import pytest

from backroom.catalog.services import Outcome, upsert_translation
from tests.stores.marks.conftest import Statements, moved, up

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("item", "texts", "expected"),
    [
        ("cap", {"name": "Mütze"}, [("product", "cap")]),
        ("tee_red", {"name": "T-Shirt rot"}, [("variation", "tee_red")]),
        ("hats", {"name": "Hüte", "slug": "hüte"}, [("category", "hats")]),
        ("colour", {"name": "Farbe"}, [("attribute", "colour"), ("product", "tee")]),
        (
            "red",
            {"name": "Rot"},
            [("term", "red"), ("product", "tee"), ("variation", "tee_red")],
        ),
        ("red", {"description": "Wie Feuer"}, [("term", "red")]),
    ],
    ids=["product", "variation", "category", "attribute", "term", "term-description"],
)
def test_a_translation_marks_in_the_stores_of_its_language_only(world, item, texts, expected):
    before = world.snapshot()
    with Statements() as statements:
        _, outcome = upsert_translation(item=getattr(world.items, item), language="de", **texts)
    assert outcome == Outcome.CREATED
    assert statements.marks == 1
    assert moved(world, before) == {
        key: 1 for kind, name in expected for key in up("B", kind, name)
    }

    # Updated: marked again; the same texts again: unchanged, nothing marked.
    changed = {name: f"{text} ²" for name, text in texts.items() if name != "slug"}
    _, outcome = upsert_translation(item=getattr(world.items, item), language="DE", **changed)
    assert outcome == Outcome.UPDATED
    before = world.snapshot()
    with Statements() as statements:
        _, outcome = upsert_translation(item=getattr(world.items, item), language="DE", **changed)
    assert outcome == Outcome.UNCHANGED
    assert (statements.writes, moved(world, before)) == (0, {})


def test_a_translation_in_a_language_no_store_has_marks_nothing(world, before):
    upsert_translation(item=world.items.hats, language="FR", name="Chapeaux")
    assert moved(world, before) == {}


def test_an_empty_new_translation_marks_nothing(world, before):
    with Statements() as statements:
        _, outcome = upsert_translation(item=world.items.cap, language="DE", name="")
    assert outcome == Outcome.CREATED
    assert statements.marks == 0
    assert moved(world, before) == {}
