"""/api/public/woo_v3/<endpoint>: the plugin appends "/<endpoint>" to its "CRM API address"
without normalising it, so an address ending in "/" gives "woo_v3//isLetSync"; any run of
slashes before the endpoint's name is accepted (written `[/]*`: Django's check warns about a
pattern starting with `^/`, meant for mistakes, not for this)."""

from django.urls import re_path

from backroom.storeapi.woo_v3 import views

ENDPOINTS = (
    "DokioCrmConnectionTest",
    "isLetSync",
    "syncProductCategoriesToStore",
    "syncProductCategoriesIds",
    "syncProductAttributesToStore",
    "syncProductAttributesIds",
    "syncAttributeTermsToStore",
    "syncAttributeTermsIds",
    "countProductsToStoreSync",
    "syncProductsToStore",
    "syncProductsIds",
    "getProductWooIdsToDeleteInStore",
    "deleteWooIdsFromProducts",
    "countVariationsToStoreSync",
    "syncVariationsToStore",
    "syncVariationsIds",
    "getLastSynchronizedOrderTime",
    "putOrdersIntoCRM",
)

app_name = "woo_v3"
urlpatterns = [re_path(rf"^[/]*{name}$", getattr(views, name), name=name) for name in ENDPOINTS]
