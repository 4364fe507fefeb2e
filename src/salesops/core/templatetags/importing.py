"""`{% load importing %}`: `user|may_import` says whether to show the import link."""

from django import template

from salesops.core.imports import importers_for

register = template.Library()


@register.filter
def may_import(user) -> bool:
    return bool(importers_for(user))
