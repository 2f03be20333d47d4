"""The online-store connection document (one per WooCommerce store and language), what each
store carries, and the per-store sync state of every catalog item.

The secret key is never stored in clear: `key_digest` (HMAC) finds the store from the key a
plugin sends, `key_ciphertext` (Fernet) lets users allowed to edit the store see it again
(stores.keys).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from backroom.companies.models import two_letters


class Store(models.Model):
    class IfCustomerNotFound(models.TextChoices):
        CREATE_NEW = "create_new", "Create a new customer"
        USE_DEFAULT = "use_default", "Use the default customer"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="stores"
    )
    name = models.CharField(max_length=250)
    language = models.CharField(
        max_length=2,
        validators=[two_letters],
        help_text="The store gets the catalog's texts in this language (two letters).",
    )
    # Connection
    key_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    key_ciphertext = models.TextField(blank=True, editable=False)
    allowed_addresses = models.JSONField(
        default=list,
        blank=True,
        help_text="IPv4/IPv6 addresses and CIDR ranges the store may call from.",
    )
    is_let_sync = models.BooleanField("connection allowed", default=True)
    # Orders
    regular_price_type = models.ForeignKey(
        "catalog.PriceType", on_delete=models.PROTECT, related_name="+"
    )
    sale_price_type = models.ForeignKey(
        "catalog.PriceType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    orders_department = models.ForeignKey(
        "companies.Department", on_delete=models.PROTECT, related_name="+"
    )
    order_creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    if_customer_not_found = models.CharField(
        max_length=11, choices=IfCustomerNotFound.choices, default=IfCustomerNotFound.CREATE_NEW
    )
    default_customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    days_to_shipment = models.PositiveSmallIntegerField(default=1)
    # Inventory
    auto_reserve = models.BooleanField(default=False)
    departments = models.ManyToManyField(
        "companies.Department",
        related_name="stores",
        blank=True,
        help_text="The store shows the sum of the unreserved stock of these departments.",
    )
    # What the store carries: categories (and so their products) and attributes (and so terms).
    categories = models.ManyToManyField("catalog.Category", related_name="stores", blank=True)
    attributes = models.ManyToManyField("catalog.Attribute", related_name="stores", blank=True)
    # Document
    is_deleted = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sale_price_type__isnull=True)
                | ~Q(sale_price_type=F("regular_price_type")),
                name="store_sale_price_type_differs",
            ),
            models.CheckConstraint(
                condition=Q(days_to_shipment__lte=365), name="store_days_to_shipment_max"
            ),
            models.CheckConstraint(
                condition=~Q(if_customer_not_found="use_default")
                | Q(default_customer__isnull=False),
                name="store_default_customer_when_used",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.language = self.language.upper()
        super().save(*args, **kwargs)


class SyncState(models.Model):
    """One catalog item as one store knows it: the store's (WooCommerce) id for it, and versions.

    `version` grows each time the item changes in a way the store must see
    (stores.sync.bump_sync_version, the one function that does it). A GET remembers the version
    it served in `served_version`; an id report confirms only that version. So a change made
    between a GET and its report keeps the item waiting (version > confirmed_version).
    An item the store carries but has no row yet has never been sent: it needs sync too.
    """

    class Kind(models.TextChoices):
        CATEGORY = "category"
        ATTRIBUTE = "attribute"
        TERM = "term"
        PRODUCT = "product"
        VARIATION = "variation"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="sync_states")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item_id = models.BigIntegerField()
    woo_id = models.BigIntegerField(null=True, blank=True)
    version = models.PositiveBigIntegerField(default=1)
    served_version = models.PositiveBigIntegerField(default=0)
    confirmed_version = models.PositiveBigIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "kind", "item_id"], name="sync_state_unique"),
        ]
        indexes = [
            models.Index(fields=["store", "kind", "woo_id"], name="sync_state_woo_id"),
        ]

    def __str__(self) -> str:
        return f"{self.store} · {self.kind} {self.item_id} → {self.woo_id}"

    @property
    def needs_sync(self) -> bool:
        return self.version > self.confirmed_version


class CallJournal(models.Model):
    """What one store did with one store-API endpoint (stores.journal): how often it called,
    how many items went either way, when it last called and last succeeded. One row per store
    and endpoint, counters moved with F() updates, so the journal stays the same size however
    long a store syncs."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="call_journal")
    endpoint = models.CharField(max_length=40)
    calls = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveBigIntegerField(default=0)
    items = models.PositiveBigIntegerField(default=0)
    last_items = models.PositiveIntegerField(default=0)
    last_call_at = models.DateTimeField()
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "endpoint"], name="call_journal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.store} · {self.endpoint} · {self.calls}"


class CallError(models.Model):
    """A refused or failed store-API call, for the status panel. The same error again right
    after counts in `repeats` instead of a new row (a store retries every minute), and only the
    newest few per store are kept (stores.journal.KEPT_ERRORS)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="call_errors")
    endpoint = models.CharField(max_length=40)
    at = models.DateTimeField()
    message = models.CharField(max_length=500)
    repeats = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["store", "-at", "-id"], name="call_error_newest")]

    def __str__(self) -> str:
        return f"{self.store} · {self.endpoint} · {self.message}"


class AuthFailure(models.Model):
    """Failed store-API attempts (wrong key, wrong address) from one source in one minute: the
    rate limit reads it, in the database so that every server process sees the same count.
    `source` is the caller's address (an IPv6 caller's /64: one machine has a whole one)."""

    source = models.CharField(max_length=64)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "minute"], name="auth_failure_unique"),
        ]
        indexes = [models.Index(fields=["minute"], name="auth_failure_minute")]

    def __str__(self) -> str:
        return f"{self.source} · {self.minute:%H:%M} · {self.count}"


class HeldOrder(models.Model):
    """An order a store sent that could not be imported yet (an unknown product, data that
    cannot be stored), kept with the store's payload and the reason, so nothing is lost: it is
    tried again with every later batch of the store and by a user's button, and disappears
    once it is imported (stores.order_intake). An order is held once per store: by its store
    id, or by the payload's digest when it has no readable id.

    A discarded order stays as a row with `discarded_at` set: hidden and never tried again, it
    still tells that the store's later posts of it are to be ignored, and still counts for the
    watermark (else discarding the newest order would have the plugin send it again)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="held_orders")
    store_order_id = models.BigIntegerField(null=True, blank=True)
    payload_digest = models.CharField(max_length=64)
    payload = models.JSONField()
    reason = models.CharField(max_length=1000)
    store_created_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    held_at = models.DateTimeField(auto_now_add=True)
    last_tried_at = models.DateTimeField()
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["held_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "store_order_id"],
                condition=Q(store_order_id__isnull=False),
                name="held_order_unique_per_store_id",
            ),
            models.UniqueConstraint(
                fields=["store", "payload_digest"],
                condition=Q(store_order_id__isnull=True),
                name="held_order_unique_per_payload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} · held order {self.store_order_id}: {self.reason}"
