"""Admin for the catalog: price types, images, categories, attributes and terms, products with
their prices, attributes, images, translations and variations."""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.html import format_html_join

from backroom.catalog.models import (
    Attribute,
    AttributeTranslation,
    Category,
    CategoryTranslation,
    DefaultAttribute,
    Image,
    PriceType,
    Product,
    ProductAttribute,
    ProductImage,
    ProductPrice,
    ProductTranslation,
    Term,
    TermTranslation,
    VariationAttribute,
)
from backroom.core.admin import AccountScopedAdmin, ScopedModelForm, ScopedTabularInline
from backroom.core.numbers import quantize_money


@admin.register(PriceType)
class PriceTypeAdmin(AccountScopedAdmin):
    document = "price_types"
    list_display = ("name", "company", "description")
    list_select_related = ("company",)
    list_filter = ("company",)
    search_fields = ("name", "description")


@admin.register(Image)
class ImageAdmin(AccountScopedAdmin):
    document = "catalog"
    list_display = ("__str__", "company", "source_url", "alt")
    list_select_related = ("company",)
    list_filter = ("company",)
    search_fields = ("original_name", "source_url", "alt")


# -- categories -------------------------------------------------------------------------------


class CategoryTranslationInline(ScopedTabularInline):
    model = CategoryTranslation
    fields = ("language", "name", "slug", "description")


class CategoryForm(ScopedModelForm):
    def clean_parent(self):
        """A category cannot sit under itself or under one of its own subcategories."""
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk is not None:
            ancestor, seen = parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.instance.pk:
                    raise ValidationError("A category cannot be placed under itself.", code="cycle")
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        return parent


@admin.register(Category)
class CategoryAdmin(AccountScopedAdmin):
    document = "catalog"
    form = CategoryForm
    inlines = (CategoryTranslationInline,)
    list_display = (
        "name",
        "parent",
        "slug",
        "company",
        "display",
        "menu_order",
        "is_store_category",
    )
    list_select_related = ("parent", "company")
    list_filter = ("company", "display", "is_store_category")
    search_fields = ("name", "slug")
    autocomplete_fields = ("parent",)


# -- attributes and terms ---------------------------------------------------------------------


class TermInline(ScopedTabularInline):
    model = Term
    fields = ("name", "slug", "description", "menu_order")
    show_change_link = True


class AttributeTranslationInline(ScopedTabularInline):
    model = AttributeTranslation
    fields = ("language", "name", "slug")


@admin.register(Attribute)
class AttributeAdmin(AccountScopedAdmin):
    document = "catalog"
    inlines = (TermInline, AttributeTranslationInline)
    list_display = ("name", "slug", "type", "order_by", "has_archives", "menu_order", "company")
    list_select_related = ("company",)
    list_filter = ("company", "order_by", "has_archives")
    search_fields = ("name", "slug")


class TermTranslationInline(ScopedTabularInline):
    model = TermTranslation
    fields = ("language", "name", "slug", "description")


@admin.register(Term)
class TermAdmin(AccountScopedAdmin):
    document = "catalog"
    inlines = (TermTranslationInline,)
    list_display = ("name", "attribute", "slug", "menu_order")
    list_select_related = ("attribute",)
    list_filter = ("attribute",)
    search_fields = ("name", "slug", "attribute__name")


# -- products ---------------------------------------------------------------------------------


class TermOfAttributeForm(ScopedModelForm):
    """A row that names an attribute and one term (or, with `terms`, several) of it: the terms
    must be that attribute's."""

    def clean(self):
        cleaned = super().clean()
        attribute = cleaned.get("attribute")
        if attribute is None:
            return cleaned
        term = cleaned.get("term")
        if term is not None and term.attribute_id != attribute.pk:
            self.add_error("term", "Choose a term of the chosen attribute.")
        terms = cleaned.get("terms")
        if terms is not None and terms.exclude(attribute=attribute).exists():
            self.add_error("terms", "Choose terms of the chosen attribute.")
        return cleaned


class ProductPriceInline(ScopedTabularInline):
    model = ProductPrice
    fields = ("price_type", "value")


class ProductAttributeInline(ScopedTabularInline):
    model = ProductAttribute
    form = TermOfAttributeForm
    fields = ("attribute", "position", "visible", "used_for_variations", "terms")
    autocomplete_fields = ("terms",)


class DefaultAttributeInline(ScopedTabularInline):
    model = DefaultAttribute
    form = TermOfAttributeForm
    fields = ("attribute", "term")
    verbose_name_plural = "default attributes (what the store's form starts with)"


class VariationAttributeInline(ScopedTabularInline):
    model = VariationAttribute
    form = TermOfAttributeForm
    fk_name = "variation"
    fields = ("attribute", "term")
    verbose_name_plural = "variation attributes (no term = any)"


class ProductImageInline(ScopedTabularInline):
    model = ProductImage
    fields = ("image", "position")
    autocomplete_fields = ("image",)


class ProductTranslationInline(ScopedTabularInline):
    model = ProductTranslation
    fields = (
        "language",
        "name",
        "slug",
        "description",
        "description_html",
        "short_description",
        "short_description_html",
    )


class VariationInline(ScopedTabularInline):
    """A variable product's variations, to open each one; they are edited on their own page."""

    model = Product
    fk_name = "parent"
    fields = ("sku", "name", "stock_status", "published")
    readonly_fields = fields
    show_change_link = True
    verbose_name = "variation"
    verbose_name_plural = "variations"

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(AccountScopedAdmin):
    document = "catalog"
    list_display = (
        "name",
        "sku",
        "type",
        "parent",
        "company",
        "stock_status",
        "published",
        "price_list",
    )
    list_select_related = ("company", "parent")
    list_filter = ("type", "stock_status", "published", "is_deleted", "company")
    search_fields = ("name", "sku")
    autocomplete_fields = ("parent", "categories", "upsells", "cross_sells")
    readonly_fields = ("created_at", "changed_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "company",
                    "type",
                    "parent",
                    "sku",
                    "name",
                    "slug",
                    "published",
                    "is_deleted",
                )
            },
        ),
        (
            "Descriptions",
            {
                "fields": (
                    "description_format",
                    "description",
                    "description_html",
                    "short_description_format",
                    "short_description",
                    "short_description_html",
                    "purchase_note",
                )
            },
        ),
        (
            "Stock and sale",
            {
                "fields": (
                    "stock_status",
                    "manage_stock",
                    "backorders",
                    "sold_individually",
                    "reviews_allowed",
                    "menu_order",
                )
            },
        ),
        ("Links", {"fields": ("categories", "upsells", "cross_sells")}),
        ("Dates", {"fields": ("created_at", "changed_at")}),
    )

    def get_inlines(self, request, obj):
        inlines = [ProductPriceInline]
        if obj is None or obj.type != Product.Type.VARIATION:
            inlines.append(ProductAttributeInline)
        if obj is not None and obj.type == Product.Type.VARIABLE:
            inlines += [DefaultAttributeInline, VariationInline]
        if obj is not None and obj.type == Product.Type.VARIATION:
            inlines.append(VariationAttributeInline)
        return [*inlines, ProductImageInline, ProductTranslationInline]

    def get_queryset(self, request):
        prices = ProductPrice.objects.select_related("price_type").order_by("price_type__name")
        return super().get_queryset(request).prefetch_related(Prefetch("prices", queryset=prices))

    def get_search_results(self, request, queryset, search_term):
        """The parent select of a variation (an autocomplete) offers variable products only."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "product" and request.GET.get("field_name") == "parent":
            queryset = queryset.filter(type=Product.Type.VARIABLE)
        return queryset, may_have_duplicates

    def limit_choices(self, request, db_field, queryset):
        queryset = super().limit_choices(request, db_field, queryset)
        if db_field.name == "parent":
            queryset = queryset.filter(type=Product.Type.VARIABLE)
        return queryset

    @admin.display(description="prices")
    def price_list(self, product: Product) -> str:
        return format_html_join(
            ", ",
            "{}: {}",
            (
                (price.price_type.name, quantize_money(Decimal(price.value)))
                for price in product.prices.all()
            ),
        )
