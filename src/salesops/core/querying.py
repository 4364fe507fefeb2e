"""Ordering and custom-field filtering of lists, shared by API endpoints, pages and exports."""

from django.core.exceptions import ValidationError
from django.db import models

from salesops.core import customfields
from salesops.core.models import CustomFieldDefinition


class InvalidParameter(ValueError):
    """A list parameter (ordering, filter) the query cannot honour; the API answers 400 with `fields`."""

    def __init__(self, message: str, fields: dict[str, list[str]]):
        super().__init__(message)
        self.message = message
        self.fields = fields


def ordering_pattern(allowed: dict[str, str]) -> str:
    """A regular expression for `?ordering=` over the allowed names, so the API schema says what is accepted."""
    term = "-?(" + "|".join(sorted(allowed)) + ")"
    return f"^{term}(,{term})*$"


def order(queryset: models.QuerySet, ordering: str | None, allowed: dict[str, str], default: str) -> models.QuerySet:
    """Apply `?ordering=`; `allowed` maps public names to ORM paths. Unknown names are refused, naming the field."""
    terms = []
    for raw in (ordering or default).split(","):
        term = raw.strip()
        if not term:
            continue
        descending = term.startswith("-")
        name = term.lstrip("-")
        if name not in allowed:
            raise InvalidParameter(
                f"Cannot order by {name!r}.", {"ordering": [f"Allowed: {', '.join(sorted(allowed))}"]}
            )
        terms.append(("-" if descending else "") + allowed[name])
    # A unique tie-breaker keeps pages stable.
    return queryset.order_by(*terms, "pk")


def filter_custom_fields(queryset: models.QuerySet, query_params) -> models.QuerySet:
    """Apply ``cf_<name>=value`` (and ``__gte``/``__lte``) filters for the model's custom fields."""
    params = {key: value for key, value in query_params.items() if key.startswith("cf_")}
    if not params:
        return queryset
    definitions = CustomFieldDefinition.objects.for_model(queryset.model)
    try:
        lookups = customfields.filter_lookups(definitions, params)
    except ValidationError as exc:
        raise InvalidParameter("Invalid custom field filter.", exc.message_dict) from None
    return queryset.filter(**lookups)
