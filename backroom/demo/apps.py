from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "backroom.demo"
    label = "demo"
