from django.urls import path

from backroom.catalog import views

app_name = "catalog"

urlpatterns = [
    path("<int:image_id>/<str:file_name>", views.public_image, name="public_image"),
]
