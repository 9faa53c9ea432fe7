"""Laws, rules and normative documents, their versions and search."""

from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "fazhi.laws"
    label = "laws"
    verbose_name = "法规规章规范性文件库"
