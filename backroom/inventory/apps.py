from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "backroom.inventory"
    label = "inventory"
