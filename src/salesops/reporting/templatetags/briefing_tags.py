"""Template filters for briefings: measure names translated when shown (the stored figures carry keys only)."""

from django import template

from salesops.reporting.briefing_sections import MEASURE_LABELS

register = template.Library()


@register.filter
def measure_label(key: str) -> str:
    return str(MEASURE_LABELS.get(key, key))
