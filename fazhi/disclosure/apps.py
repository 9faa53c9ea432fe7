"""依申请公开: disclosure requests on the case engine."""

from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "fazhi.disclosure"
    label = "disclosure"
    verbose_name = "政府信息公开申请"
