"""The catalog: price types, categories, attributes and terms, products and variations, images,
prices, and translations of the texts per two-letter language.

Base texts are in the company's language; a translation field left empty falls back to the base
text (see catalog.selectors.translated).
"""

from django.db import models
from django.db.models import Q

from backroom.companies.models import two_letters
from backroom.core.numbers import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class PriceType(models.Model):
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="price_types"
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"], name="price_type_name_unique_per_company"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Image(models.Model):
    """A catalog picture: a file kept by Backroom, or the address of one elsewhere (as imported)."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="images"
    )
    file = models.ImageField(upload_to="catalog/%Y/%m/", blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    alt = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(source_url=""), name="image_has_file_or_url"
            )
        ]

    def __str__(self) -> str:
        return self.original_name or self.source_url or self.file.name


class Category(models.Model):
    class Display(models.TextChoices):
        DEFAULT = "default"
        PRODUCTS = "products"
        SUBCATEGORIES = "subcategories"
        BOTH = "both"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="categories"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, blank=True, allow_unicode=True)
    description = models.TextField(blank=True)
    display = models.CharField(max_length=16, choices=Display.choices, default=Display.DEFAULT)
    menu_order = models.IntegerField(default=0)
    image = models.ForeignKey(
        Image, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_store_category = models.BooleanField(
        default=False, help_text="Offered to online stores (those it is linked to)."
    )

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["menu_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "slug"],
                condition=~Q(slug=""),
                name="category_slug_unique_per_company",
            ),
            models.UniqueConstraint(
                fields=["company", "parent", "name"], name="category_name_unique_among_siblings"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    class OrderBy(models.TextChoices):
        MENU_ORDER = "menu_order"
        NAME = "name"
        NAME_NUM = "name_num"
        ID = "id"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="attributes"
    )
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, blank=True, allow_unicode=True)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=16, default="select")
    order_by = models.CharField(max_length=16, choices=OrderBy.choices, default=OrderBy.MENU_ORDER)
    has_archives = models.BooleanField(default=False)
    menu_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["menu_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"], name="attribute_name_unique_per_company"
            ),
            models.UniqueConstraint(
                fields=["company", "slug"],
                condition=~Q(slug=""),
                name="attribute_slug_unique_per_company",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, blank=True, allow_unicode=True)
    description = models.TextField(blank=True)
    menu_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["menu_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "name"], name="term_name_unique_per_attribute"
            ),
            models.UniqueConstraint(
                fields=["attribute", "slug"],
                condition=~Q(slug=""),
                name="term_slug_unique_per_attribute",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A simple or variable product, or a variation of a variable product (`parent` set)."""

    class Type(models.TextChoices):
        SIMPLE = "simple"
        VARIABLE = "variable"
        VARIATION = "variation"

    class TextFormat(models.TextChoices):
        PLAIN = "plain", "Plain text"
        HTML = "html", "HTML"

    class StockStatus(models.TextChoices):
        IN_STOCK = "instock", "In stock"
        OUT_OF_STOCK = "outofstock", "Out of stock"
        ON_BACKORDER = "onbackorder", "On backorder"

    class Backorders(models.TextChoices):
        NO = "no", "Do not allow"
        NOTIFY = "notify", "Allow, but notify the customer"
        YES = "yes", "Allow"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="products"
    )
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.SIMPLE)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="variations"
    )
    sku = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=500)
    slug = models.SlugField(max_length=500, blank=True, allow_unicode=True)
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True)
    description_format = models.CharField(
        max_length=5,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
        help_text="Which description the stores get.",
    )
    short_description = models.TextField(blank=True)
    short_description_html = models.TextField(blank=True)
    short_description_format = models.CharField(
        max_length=5,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
        help_text="Which short description the stores get.",
    )
    stock_status = models.CharField(
        max_length=16, choices=StockStatus.choices, default=StockStatus.IN_STOCK
    )
    manage_stock = models.BooleanField(default=False)
    backorders = models.CharField(max_length=8, choices=Backorders.choices, default=Backorders.NO)
    sold_individually = models.BooleanField(default=False)
    purchase_note = models.TextField(blank=True)
    menu_order = models.IntegerField(default=0)
    reviews_allowed = models.BooleanField(default=True)
    published = models.BooleanField(default=True)
    is_deleted = models.BooleanField(default=False)
    categories = models.ManyToManyField(Category, blank=True, related_name="products")
    upsells = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    cross_sells = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["menu_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "sku"],
                condition=~Q(sku=""),
                name="product_sku_unique_per_company",
            ),
            models.CheckConstraint(
                condition=Q(type="variation", parent__isnull=False)
                | (~Q(type="variation") & Q(parent__isnull=True)),
                name="product_parent_iff_variation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductAttribute(models.Model):
    """An attribute as one product uses it, with the terms the product offers."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="product_attributes"
    )
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    position = models.IntegerField(default=0)
    visible = models.BooleanField(default=True)
    used_for_variations = models.BooleanField(default=False)
    terms = models.ManyToManyField(Term, blank=True, related_name="+")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "attribute"], name="product_attribute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.attribute}"


class DefaultAttribute(models.Model):
    """The term a variable product's form starts with; no term means "any"."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="default_attributes"
    )
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "attribute"], name="default_attribute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.attribute} = {self.term or 'any'}"


class VariationAttribute(models.Model):
    """The term a variation has for one of its parent's variation attributes; none means "any"."""

    variation = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variation_attributes"
    )
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["variation", "attribute"], name="variation_attribute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variation} · {self.attribute} = {self.term or 'any'}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="product_images")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="+")
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "image"], name="product_image_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product} · image {self.position}"


class ProductPrice(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    price_type = models.ForeignKey(PriceType, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "price_type"], name="product_price_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.price_type}: {self.value}"


class Translation(models.Model):
    """Texts of one catalog item in one language; empty fields fall back to the base text."""

    language = models.CharField(max_length=2, validators=[two_letters])

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.language = self.language.upper()
        super().save(*args, **kwargs)


class CategoryTranslation(Translation):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(max_length=250, blank=True)
    slug = models.SlugField(max_length=120, blank=True, allow_unicode=True)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="category_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} [{self.language}]"


class AttributeTranslation(Translation):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(max_length=250, blank=True)
    slug = models.SlugField(max_length=120, blank=True, allow_unicode=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "language"], name="attribute_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute} [{self.language}]"


class TermTranslation(Translation):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(max_length=250, blank=True)
    slug = models.SlugField(max_length=120, blank=True, allow_unicode=True)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "language"], name="term_translation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} [{self.language}]"


class ProductTranslation(Translation):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(max_length=500, blank=True)
    slug = models.SlugField(max_length=500, blank=True, allow_unicode=True)
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True)
    short_description = models.TextField(blank=True)
    short_description_html = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "language"], name="product_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} [{self.language}]"
