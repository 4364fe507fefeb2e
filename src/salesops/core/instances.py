"""For actions that return what they wrote, ready to render: the API answers from it without reading it back.

Reading a row back right after writing it costs more than the write itself (Django builds every related object
again), and the action already holds the values. These helpers make such an instance look exactly like a fresh
read, so that rendering it gives the same answer a later GET gives.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import models


def as_stored(instance: models.Model) -> models.Model:
    """Give the instance's decimals the places their columns keep (Decimal("3") in a 3-place column becomes
    Decimal("3.000")), as a fresh read would. The value does not change, only how it is written out."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.DecimalField):
            value = getattr(instance, field.attname)
            if isinstance(value, Decimal) and value.is_finite():
                setattr(instance, field.attname, value.quantize(Decimal(1).scaleb(-field.decimal_places)))
    return instance


def set_prefetched(instance: models.Model, name: str, objects: Iterable[models.Model]) -> None:
    """Make `instance.<name>.all()` return `objects` without a query, as `prefetch_related(name)` leaves it (this
    fills Django's prefetch cache the way Django's own prefetching does). `name` is a reverse foreign key, and
    `objects` must be all of the instance's related rows, in their usual order."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset
