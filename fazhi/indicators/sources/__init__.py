"""Indicator sources of modules that do not register their own (see ``registry``)."""
