"""`backroom import_products --store ID`: what it imports is linked to those stores."""

import io

import pytest
from django.core.management import CommandError, call_command

from backroom.catalog.models import Category, PriceType, Product
from backroom.companies.models import Department
from backroom.stores.models import Store, SyncState
from backroom.stores.services import create_store, delete_stores
from tests.catalog.conftest import csv_bytes, simple

pytestmark = pytest.mark.django_db

SAMPLE = "woocommerce-sample-products.csv"


def run(path, *options: str) -> str:
    out = io.StringIO()
    call_command("import_products", str(path), *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def second(owner, store_input):
    return create_store(user=owner, data=store_input(name="Second"))[0]


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(
        csv_bytes(
            [
                simple(
                    "mug",
                    "Mug",
                    Categories="Home > Kitchen",
                    **{"Attribute 1 name": "Colour", "Attribute 1 value(s)": "Red, Blue"},
                ),
                simple("tote", "Tote", Categories="Accessories"),
            ]
        )
    )
    return path


def test_links_imported_categories_and_attributes(small_file, company, retail, store, second):
    output = run(
        small_file,
        f"--company={company.pk}",
        f"--regular-price-type={retail.pk}",
        f"--store={store.pk}",
        "--store",
        str(second.pk),
    )
    expected = {"Home", "Kitchen", "Accessories"}
    for each in (store, second):
        assert set(each.categories.values_list("name", flat=True)) == expected
        assert list(each.attributes.values_list("name", flat=True)) == ["Colour"]
    assert set(Category.objects.filter(is_store_category=True).values_list("name", flat=True)) == (
        expected
    )
    assert (
        f"Linked to Main shop (id {store.pk}), Second (id {second.pk}): "
        "3 categories (6 new links), 1 attribute (2 new links)."
    ) in output


def test_a_second_run_keeps_links_and_store_ids(small_file, company, retail, store):
    options = [
        f"--company={company.pk}",
        f"--regular-price-type={retail.pk}",
        f"--store={store.pk}",
    ]
    run(small_file, *options)
    kitchen = Category.objects.get(name="Kitchen")
    SyncState.objects.create(store=store, kind="category", item_id=kitchen.pk, woo_id=42)
    output = run(small_file, *options)
    assert "3 categories (0 new links), 1 attribute (0 new links)." in output
    assert SyncState.objects.get(store=store, item_id=kitchen.pk).woo_id == 42


def test_without_store_nothing_is_linked(small_file, company, retail, store):
    output = run(small_file, f"--company={company.pk}", f"--regular-price-type={retail.pk}")
    assert "Linked" not in output
    assert store.categories.count() == 0


def test_the_sample_links_every_category_it_names(shared_data, company, retail, store):
    run(
        shared_data / SAMPLE,
        f"--company={company.pk}",
        f"--regular-price-type={retail.pk}",
        f"--store={store.pk}",
    )
    assert sorted(store.categories.values_list("name", flat=True)) == sorted(
        Category.objects.filter(company=company).values_list("name", flat=True)
    )
    assert store.categories.count() == 5
    assert sorted(store.attributes.values_list("name", flat=True)) == ["Color", "Logo", "Size"]


def other_companys_store(owner, store_input, other_company) -> Store:
    department = Department.objects.create(company=other_company, name="D")
    return create_store(
        user=owner,
        data=store_input(
            company_id=other_company.pk,
            regular_price_type_id=PriceType.objects.create(company=other_company, name="R").pk,
            sale_price_type_id=None,
            orders_department_id=department.pk,
            department_ids=[department.pk],
        ),
    )[0]


def test_store_of_another_company_writes_nothing(
    small_file, company, retail, owner, store_input, other_company
):
    theirs = other_companys_store(owner, store_input, other_company)
    with pytest.raises(CommandError, match=f"^--store {theirs.pk} is not an online store of Acme"):
        run(
            small_file,
            f"--company={company.pk}",
            f"--regular-price-type={retail.pk}",
            f"--store={theirs.pk}",
        )
    assert not Product.objects.exists() and not Category.objects.exists()


@pytest.mark.parametrize("which", ["deleted", "missing"])
def test_deleted_or_missing_store_writes_nothing(small_file, company, retail, owner, store, which):
    store_id = store.pk
    if which == "deleted":
        delete_stores(user=owner, store_ids=[store.pk])
    else:
        store_id = 10**9
    with pytest.raises(CommandError, match=f"^--store {store_id} is not an online store"):
        run(
            small_file,
            f"--company={company.pk}",
            f"--regular-price-type={retail.pk}",
            f"--store={store_id}",
        )
    assert not Product.objects.exists()


def test_store_id_must_be_a_number(small_file, company, retail):
    with pytest.raises(CommandError, match="--store: invalid int value"):
        run(small_file, f"--company={company.pk}", f"--regular-price-type={retail.pk}", "--store=x")
