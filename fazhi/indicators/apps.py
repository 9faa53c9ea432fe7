"""Targets, indicator values, assessment and the annual report."""

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "fazhi.indicators"
    label = "indicators"
    verbose_name = "指标与考核"
