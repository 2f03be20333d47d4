"""`backroom import_products FILE --company ID --regular-price-type ID ...`: import a catalog in
WooCommerce's product CSV layout (catalog.importers.woocommerce_csv).

Every id is checked against the company before anything is read, so a wrong id stops the
command with nothing written. The exit status is 0 when every row went in or was skipped, and
1 when rows were rejected (they are listed), so scripts can tell.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backroom.catalog.errors import ImportFileError, InvalidTranslation
from backroom.catalog.importers.woocommerce_csv import ImportReport, import_woocommerce_csv
from backroom.catalog.models import PriceType
from backroom.catalog.selectors import get_price_type
from backroom.companies.models import Company


class Command(BaseCommand):
    help = (
        "Import products from a WooCommerce product CSV export. Running it again with the same "
        "file changes nothing. Exit status 1 when rows were rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file, as WooCommerce exports it.")
        parser.add_argument("--company", type=int, required=True, help="Company id.")
        parser.add_argument(
            "--regular-price-type",
            type=int,
            required=True,
            help="Price type id that receives `Regular price`.",
        )
        parser.add_argument(
            "--sale-price-type",
            type=int,
            help="Price type id that receives `Sale price` (not imported without it).",
        )
        parser.add_argument(
            "--department",
            type=int,
            help="Department id whose on-hand is set from `Stock` (not imported without it).",
        )
        parser.add_argument(
            "--language",
            help=(
                "Two-letter language of the texts in the file. Default: the company's language. "
                "Another language imports only names and descriptions, as translations of "
                "products found by SKU."
            ),
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        company = Company.objects.filter(pk=options["company"]).first()
        if company is None:
            raise CommandError(f"There is no company with id {options['company']}.")
        regular = _price_type(company, options["regular_price_type"], "--regular-price-type")
        sale = None
        if options["sale_price_type"] is not None:
            sale = _price_type(company, options["sale_price_type"], "--sale-price-type")
        department = None
        if options["department"] is not None:
            department = company.departments.filter(pk=options["department"]).first()
            if department is None:
                raise CommandError(
                    f"--department {options['department']} is not a department of {company}."
                )
        bar = _ProgressBar(enabled=self.stdout.isatty())
        try:
            report = import_woocommerce_csv(
                company=company,
                source=path,
                regular_price_type=regular,
                sale_price_type=sale,
                department=department,
                language=options["language"],
                progress=bar.update,
            )
        except (ImportFileError, InvalidTranslation) as error:
            raise CommandError(f"{path.name}: {error}") from error
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from error
        finally:
            bar.close()
        self.stdout.write(_describe(report))
        if report.rejected:
            count = len(report.rejected)
            raise CommandError(f"{count} row{' was' if count == 1 else 's were'} rejected.")


def _price_type(company: Company, price_type_id: int, option: str) -> PriceType:
    price_type = get_price_type(company=company, price_type_id=price_type_id)
    if price_type is None:
        raise CommandError(f"{option} {price_type_id} is not a price type of {company}.")
    return price_type


def _describe(report: ImportReport) -> str:
    lines = [report.summary()]
    for title, problems in (
        ("Skipped", report.skipped),
        ("Rejected", report.rejected),
        ("Warning", report.warnings),
    ):
        lines.extend(f"{title} {problem}" for problem in problems)
    return "\n".join(lines)


class _ProgressBar:
    """A tqdm bar on a terminal; nothing when the output goes to a file or a pipe."""

    def __init__(self, *, enabled: bool):
        self._enabled = enabled
        self._bar = None

    def update(self, done: int, total: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="row", desc="Importing")
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
