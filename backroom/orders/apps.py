from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "backroom.orders"
    label = "orders"
