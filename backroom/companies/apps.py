from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "backroom.companies"
    label = "companies"
