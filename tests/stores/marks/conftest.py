"""A company with two stores that differ in language, price types, departments and what they
carry, one store of another account, and SyncState rows at known versions for what each store
has been sent: the ground on which every "what does this change mark" test stands.

Store A ("EN", retail / sale prices, the warehouse's stock) carries Shoes, Hats and its
subcategory Caps, the attributes Colour and Size. Store B ("DE", wholesale price only, the
shop floor's stock) carries Hats, and Colour; Misc is linked to it but is no online-store
category. B still has rows for Boot (sent while Boot was in Hats) and Sock, and A a product row for
Tee red (sent while it was a product of its own): rows of one kind must not move for a change
of the other kind.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backroom.catalog.models import (
    Attribute,
    Category,
    DefaultAttribute,
    Image,
    PriceType,
    Product,
    ProductAttribute,
    ProductImage,
    Term,
    VariationAttribute,
)
from backroom.companies.models import Department
from backroom.stores.models import Store, SyncState

START = 10
"""The version every seeded row starts at."""

CARRIED = {
    "A": {
        "category": ["shoes", "hats", "caps"],
        "attribute": ["colour", "size"],
        "term": ["red", "blue", "small"],
        "product": ["boot", "cap", "tee", "tee_red"],
        "variation": ["tee_red", "tee_blue"],
    },
    "B": {
        "category": ["hats"],
        "attribute": ["colour"],
        "term": ["red", "blue"],
        "product": ["boot", "cap", "tee", "sock"],
        "variation": ["tee_red", "tee_blue"],
    },
}


@dataclass
class World:
    stores: dict[str, Store]
    items: SimpleNamespace
    labels: dict[tuple[str, int], str] = field(default_factory=dict)

    def snapshot(self) -> dict[tuple[str, str, str], int]:
        """(store, kind, item) -> version of every SyncState row, foreign store included."""
        names = {store.pk: label for label, store in self.stores.items()}
        return {
            (names[row.store_id], row.kind, self.labels.get((row.kind, row.item_id), "?")): (
                row.version
            )
            for row in SyncState.objects.all()
        }


def moved(world: World, before: dict) -> dict[tuple[str, str, str], int | str]:
    """Rows whose version differs from `before` (by how much), and rows gone since."""
    after = world.snapshot()
    changes: dict = {key: "gone" for key in before.keys() - after.keys()}
    changes.update(
        {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key)}
    )
    return changes


def up(store_labels: str, kind: str, *items: str) -> dict[tuple[str, str, str], int]:
    """The expected "+1" rows: up("AB", "product", "boot") -> both stores' Boot rows."""
    return {(label, kind, item): 1 for label in store_labels for item in items}


@pytest.fixture
def world(company, foreign_company, owner, retail, sale, warehouse, shop_floor) -> World:
    wholesale = PriceType.objects.create(company=company, name="Wholesale")
    c = Category.objects.create
    shoes = c(company=company, name="Shoes", slug="shoes", is_store_category=True)
    hats = c(company=company, name="Hats", slug="hats", is_store_category=True)
    caps = c(company=company, name="Caps", slug="caps", parent=hats, is_store_category=True)
    misc = c(company=company, name="Misc", slug="misc", is_store_category=False)
    p = Product.objects.create
    boot = p(company=company, name="Boot", sku="boot")
    cap = p(company=company, name="Cap", sku="cap")
    tee = p(company=company, name="Tee", sku="tee", type=Product.Type.VARIABLE)
    tee_red = p(
        company=company, name="Tee red", sku="tee-r", type=Product.Type.VARIATION, parent=tee
    )
    tee_blue = p(
        company=company, name="Tee blue", sku="tee-b", type=Product.Type.VARIATION, parent=tee
    )
    sock = p(company=company, name="Sock", sku="sock")
    boot.categories.set([shoes])
    cap.categories.set([hats])
    tee.categories.set([hats])
    sock.categories.set([misc])
    colour = Attribute.objects.create(company=company, name="Colour", slug="colour")
    size = Attribute.objects.create(company=company, name="Size", slug="size")
    red = Term.objects.create(attribute=colour, name="Red", slug="red")
    blue = Term.objects.create(attribute=colour, name="Blue", slug="blue")
    small = Term.objects.create(attribute=size, name="S", slug="s")
    ProductAttribute.objects.create(product=tee, attribute=colour, used_for_variations=True)
    tee.product_attributes.get().terms.set([red, blue])
    ProductAttribute.objects.create(product=cap, attribute=size).terms.set([small])
    DefaultAttribute.objects.create(product=tee, attribute=colour, term=red)
    VariationAttribute.objects.create(variation=tee_red, attribute=colour, term=red)
    VariationAttribute.objects.create(variation=tee_blue, attribute=colour, term=blue)
    picture = Image.objects.create(company=company, source_url="https://example.com/boot.jpg")
    ProductImage.objects.create(product=boot, image=picture)
    hats.image = picture
    hats.save(update_fields=["image"])

    def store(name, language, regular, sale_type, department, categories, attributes):
        row = Store.objects.create(
            company=company,
            name=name,
            language=language,
            regular_price_type=regular,
            sale_price_type=sale_type,
            orders_department=department,
            order_creator=owner,
            created_by=owner,
        )
        row.departments.set([department])
        row.categories.set(categories)
        row.attributes.set(attributes)
        return row

    stores = {
        "A": store("A", "EN", retail, sale, warehouse, [shoes, hats, caps], [colour, size]),
        "B": store("B", "DE", wholesale, None, shop_floor, [hats, misc], [colour]),
    }
    rival_department = Department.objects.create(company=foreign_company, name="Rival store")
    stores["X"] = Store.objects.create(
        company=foreign_company,
        name="X",
        language="DE",
        regular_price_type=PriceType.objects.create(company=foreign_company, name="Rival"),
        orders_department=rival_department,
        order_creator=owner,
        created_by=owner,
    )
    stores["X"].departments.set([rival_department])
    items = SimpleNamespace(
        shoes=shoes, hats=hats, caps=caps, misc=misc,
        boot=boot, cap=cap, tee=tee, tee_red=tee_red, tee_blue=tee_blue, sock=sock,
        colour=colour, size=size, red=red, blue=blue, small=small,
        picture=picture, wholesale=wholesale,
    )  # fmt: skip
    world = World(stores=stores, items=items)
    for name, item in vars(items).items():
        if isinstance(item, Product):  # either kind: a product may have become a variation
            world.labels[("product", item.pk)] = world.labels[("variation", item.pk)] = name
        elif isinstance(item, Category | Attribute | Term):
            world.labels[(type(item).__name__.lower(), item.pk)] = name
    rows = []
    woo_id = 100
    for label, carried in CARRIED.items():
        for kind, names in carried.items():
            for name in names:
                woo_id += 1
                rows.append(
                    SyncState(
                        store=stores[label],
                        kind=kind,
                        item_id=getattr(items, name).pk,
                        woo_id=woo_id,
                        version=START,
                        served_version=START,
                        confirmed_version=START,
                    )
                )
    # The foreign store has a row under every id of every kind: none of them may ever move.
    for kind, item_id in list(world.labels):
        rows.append(SyncState(store=stores["X"], kind=kind, item_id=item_id, version=START))
    SyncState.objects.bulk_create(rows)
    return world


@pytest.fixture
def before(world):
    return world.snapshot()


class Statements:
    """SQL statements run inside the block, to count what marking cost."""

    def __init__(self):
        self.context = CaptureQueriesContext(connection)

    def __enter__(self):
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)

    def count(self, prefix: str) -> int:
        return sum(1 for query in self.context.captured_queries if query["sql"].startswith(prefix))

    @property
    def marks(self) -> int:
        """UPDATEs of SyncState rows."""
        return self.count('UPDATE "stores_syncstate"')

    @property
    def writes(self) -> int:
        return sum(self.count(verb) for verb in ("INSERT", "UPDATE", "DELETE"))
