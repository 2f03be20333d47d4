from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "backroom.stores"
    label = "stores"
