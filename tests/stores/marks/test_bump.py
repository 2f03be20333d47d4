"""The one marking function with several marks, and the helpers around it."""

import pytest
from django.db.models import Q

from backroom.catalog.models import Product
from backroom.stores.sync import (
    EVERY_ITEM,
    Mark,
    bump_sync_version,
    forget_uncarried,
    mark_stock,
    product_marks,
    stores_in_language,
)
from tests.stores.marks.conftest import Statements, moved, up

pytestmark = pytest.mark.django_db


def test_a_row_named_by_several_marks_moves_up_by_one(world, before, company):
    items = world.items
    with Statements() as statements:
        marked = bump_sync_version(
            company_id=company.pk,
            marks=[
                Mark("product", [items.cap.pk, items.tee.pk]),
                Mark("product", Product.objects.filter(name="Cap").values("pk")),
                Mark("product", [items.cap.pk], stores_in_language("de")),
                Mark("term", [items.red.pk], Q(name="B")),
            ],
        )
    assert statements.marks == 1
    assert marked == 5
    assert moved(world, before) == {**up("AB", "product", "cap", "tee"), **up("B", "term", "red")}


def test_store_ids_and_marks_together(world, before):
    bump_sync_version(
        store_ids=[world.stores["B"].pk],
        kind="variation",
        item_ids=[world.items.tee_red.pk],
        marks=[Mark("category", EVERY_ITEM)],
    )
    assert moved(world, before) == {
        **up("B", "variation", "tee_red"),
        **up("B", "category", "hats"),
    }


def test_product_marks_sort_products_by_kind(world, before, company):
    items = world.items
    marks = product_marks([items.tee_red, items.boot])
    assert [(mark.kind, list(mark.item_ids)) for mark in marks] == [
        ("product", [items.boot.pk]),
        ("variation", [items.tee_red.pk]),
    ]
    bump_sync_version(
        company_id=company.pk, marks=product_marks(Product.objects.filter(name__startswith="Tee"))
    )
    assert moved(world, before) == {
        **up("AB", "product", "tee"),
        **up("AB", "variation", "tee_red", "tee_blue"),
    }


def test_nothing_to_mark_costs_no_query(world, company, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bump_sync_version(company_id=company.pk, marks=[]) == 0
        assert bump_sync_version(company_id=company.pk, marks=[Mark("term", [])]) == 0
        assert mark_stock(company_id=company.pk, changes={1: [], 2: ()}) == 0
        assert product_marks([]) == []


def test_every_mark_kind_is_checked(company):
    with pytest.raises(ValueError, match="unknown sync kind 'image'"):
        bump_sync_version(company_id=company.pk, marks=[Mark("product", [1]), Mark("image", [1])])


def test_forget_uncarried_drops_what_stores_no_longer_carry_in_the_company_only(
    world, before, company, foreign_company
):
    items = world.items
    items.hats.stores.remove(world.stores["B"])
    world.stores["A"].attributes.remove(items.size)
    world.stores["B"].attributes.add(items.size)  # linked but never sent: nothing to drop
    assert forget_uncarried(company_id=company.pk) == 3
    assert moved(world, before) == {
        ("B", "category", "hats"): "gone",
        ("A", "attribute", "size"): "gone",
        ("A", "term", "small"): "gone",
    }
    # The foreign store carries nothing: its own company's call drops its rows of that kind.
    assert forget_uncarried(company_id=foreign_company.pk) == 4 + 2 + 3
