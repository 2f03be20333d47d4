from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("backroom.api.urls")),
    path("api/public/images/", include("backroom.catalog.urls")),
    path("api/public/woo_v3/", include("backroom.storeapi.woo_v3.urls")),
    path("stores/", include("backroom.stores.urls")),
    path("orders/", include("backroom.orders.urls")),
    path("", include("backroom.web.urls")),
]

handler404 = "backroom.web.views.page_not_found"
