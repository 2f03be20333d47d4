"""`backroom import_products`: ids checked against the company, a summary, every problem row."""

import io

import pytest
from django.core.management import CommandError, call_command

from backroom.catalog.models import Category, PriceType, Product
from backroom.companies.models import Department
from backroom.inventory.models import StockDocument
from tests.catalog.conftest import csv_bytes, simple

SAMPLE = "woocommerce-sample-products.csv"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(path, *options: str, stdout=None) -> str:
    out = stdout or io.StringIO()
    call_command("import_products", str(path), *options, stdout=out)
    return out.getvalue()


def test_imports_the_sample_and_lists_the_skipped_rows(
    shared_data, company, retail, sale, warehouse, capsys
):
    output = run(
        shared_data / SAMPLE,
        f"--company={company.pk}",
        f"--regular-price-type={retail.pk}",
        f"--sale-price-type={sale.pk}",
        f"--department={warehouse.pk}",
    )
    assert "Read 25 rows: 23 imported, 2 skipped, 0 rejected." in output
    assert "Products: 16 created, 0 updated, 0 unchanged." in output
    assert (
        "Skipped row 24 (logo-collection): grouped products are not carried by Backroom" in output
    )
    assert "Skipped row 25 (wp-pennant): external products are not carried by Backroom" in output
    assert "Importing" not in capsys.readouterr().err  # no progress bar off a terminal
    again = run(
        shared_data / SAMPLE, "--company", str(company.pk), "--regular-price-type", str(retail.pk)
    )
    assert "Products: 0 created, 0 updated, 16 unchanged." in again
    assert Product.objects.count() == 23


def test_a_progress_bar_on_a_terminal(shared_data, company, retail, capsys):
    run(
        shared_data / SAMPLE,
        f"--company={company.pk}",
        f"--regular-price-type={retail.pk}",
        stdout=Terminal(),
    )
    assert "Importing" in capsys.readouterr().err


@pytest.fixture
def sample_file(tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(csv_bytes([simple("a", Stock="4"), simple("b", **{"Regular price": "12,5"})]))
    return path


def test_rejected_rows_are_listed_and_fail_the_command(sample_file, company, retail):
    out = io.StringIO()
    with pytest.raises(CommandError, match="^1 row was rejected.$"):
        run(sample_file, f"--company={company.pk}", f"--regular-price-type={retail.pk}", stdout=out)
    assert "Rejected row 3 (b): Regular price: '12,5' is not a number" in out.getvalue()
    assert list(Product.objects.values_list("sku", flat=True)) == ["a"]


@pytest.mark.parametrize("option", ["--regular-price-type", "--sale-price-type", "--department"])
def test_ids_of_another_company_write_nothing(sample_file, company, other_company, retail, option):
    foreign = {
        "--regular-price-type": lambda: PriceType.objects.create(
            company=other_company, name="Theirs"
        ),
        "--sale-price-type": lambda: PriceType.objects.create(company=other_company, name="Theirs"),
        "--department": lambda: Department.objects.create(company=other_company, name="Theirs"),
    }[option]()
    options = [
        f"--company={company.pk}",
        f"--regular-price-type={retail.pk}",
        f"{option}={foreign.pk}",
    ]
    with pytest.raises(CommandError, match=f"^{option} {foreign.pk} is not a .* of Acme Shop.$"):
        run(sample_file, *options)
    assert not Product.objects.exists() and not StockDocument.objects.exists()


def test_unknown_company_missing_file_bad_file_and_bad_language(
    tmp_path, sample_file, company, retail
):
    with pytest.raises(CommandError, match="^There is no company with id 999999.$"):
        run(sample_file, "--company=999999", f"--regular-price-type={retail.pk}")
    with pytest.raises(CommandError, match="is not a file"):
        run(
            tmp_path / "missing.csv", f"--company={company.pk}", f"--regular-price-type={retail.pk}"
        )
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_bytes(b"ID;Type;SKU;Name\r\n1;simple;a;A\r\n")
    with pytest.raises(
        CommandError, match="^semicolons.csv: The columns are separated by semicolons"
    ):
        run(semicolons, f"--company={company.pk}", f"--regular-price-type={retail.pk}")
    with pytest.raises(CommandError, match="is not a two-letter language code"):
        run(
            sample_file,
            f"--company={company.pk}",
            f"--regular-price-type={retail.pk}",
            "--language=e1",
        )
    assert not Product.objects.exists() and not Category.objects.exists()


def test_a_translation_file(tmp_path, company, retail):
    base, german = tmp_path / "en.csv", tmp_path / "de.csv"
    base.write_bytes(csv_bytes([simple("a", "Mug")]))
    german.write_bytes(csv_bytes([simple("a", "Becher")]))
    options = [f"--company={company.pk}", f"--regular-price-type={retail.pk}"]
    run(base, *options)
    output = run(german, *options, "--language=de")
    assert "Product texts (DE): 1 created, 0 updated, 0 unchanged." in output
    assert Product.objects.get().translations.get().name == "Becher"
