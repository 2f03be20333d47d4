from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backroom.accounts"
    label = "accounts"
