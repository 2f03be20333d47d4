"""`backroom demo [--json]`: create the demo (or find it again) and say how to sign in."""

import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from backroom.demo.builder import Demo, DemoError, build_demo
from backroom.stores.selectors import store_api_url


def served_at() -> str:
    """Where users reach Backroom: BACKROOM_PUBLIC_URL (`./dev run --port N` sets it)."""
    return settings.BACKROOM_PUBLIC_URL.rstrip("/") + "/"


class Command(BaseCommand):
    help = (
        "Create the demo account, company, departments, price types, admin and catalog. "
        "Safe to run again: it finds what it made and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print one JSON object instead of a summary.",
        )

    def handle(self, *args, as_json: bool = False, **options) -> None:
        _migrate_if_needed()
        try:
            demo = build_demo()
        except DemoError as error:
            raise CommandError(str(error)) from error
        if as_json:
            self.stdout.write(
                json.dumps({**demo.as_json(), "url": served_at()}, ensure_ascii=False)
            )
        else:
            self.stdout.write(_summary(demo))


def _migrate_if_needed() -> None:
    """A fresh database gets its tables first; an up-to-date one is left alone (and quiet)."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def _summary(demo: Demo) -> str:
    def named(objects: dict) -> str:
        return ", ".join(f"{name} (id {obj.pk})" for name, obj in objects.items())

    company = demo.company
    counts = demo.catalog
    return "\n".join(
        [
            "Backroom demo ready.",
            f"  Account:     {demo.account.name} (id {demo.account.pk})",
            f"  Company:     {company.name} (id {company.pk}), texts in {company.language}, "
            f"translated to {demo.translation_language}",
            f"  Departments: {named(demo.departments)}",
            f"  Price types: {named(demo.price_types)}",
            f"  Catalog:     {counts['categories']} categories, {counts['attributes']} attributes "
            f"with {counts['terms']} terms, {counts['products']} products and "
            f"{counts['variations']} variations",
            "  Stock:       "
            + ", ".join(
                f"{name} {units.normalize():f} units" for name, units in demo.stock.items()
            ),
            "",
            f"  Sign in at {served_at()} (when `backroom serve` runs: `./dev run` starts it) as",
            f"    user name: {demo.admin.username}",
            f"    password:  {demo.password}",
            f"  The Django admin is at {served_at()}admin/.",
            "",
            f"  Online stores (Store API address {store_api_url()}):",
            *(
                f"    {store.name} (id {store.pk}, {store.language}), key {key}"
                for store, key in demo.stores
            ),
        ]
    )
