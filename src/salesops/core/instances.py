"""For actions that return what they wrote, ready to render: the API answers from it without reading it back.

Reading a row back right after writing it costs more than the write itself (Django builds every related object
again), and the action already holds the values. These helpers make such an instance look exactly like a fresh
read, so that rendering it gives the same answer a later GET gives.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import DatabaseError, connection, models

from salesops.core import clock
from salesops.core.models import CustomFieldsModel, TimeStampedModel


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


# --- statements built without the ORM's compiler -------------------------------------------------------------
#
# On the order path the ORM takes longer to build a statement and its instances than the database takes to run it
# (decision 0008). These helpers write the same rows and build the same instances as `bulk_create`,
# `save(update_fields=...)` and `select_related` do, from SQL put together once per model: for statements that run
# for every order. They do what those ORM calls do and no more: no signals (the project has no receivers), and no
# model `save()` override runs, so they refuse models that validate in `save()` (custom fields).


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _check_plain_save(model: type[models.Model]) -> None:
    if issubclass(model, CustomFieldsModel):
        raise TypeError(f"{model._meta.label} validates its custom fields in save(): save it through the ORM")


_insert_sql: dict[tuple, str] = {}


def insert(objects: list[models.Model]) -> None:
    """Insert unsaved instances of one model with one `INSERT ... RETURNING` per batch and set their primary keys,
    as `bulk_create` does (fields' `pre_save` runs, so `auto_now` and defaults apply; foreign keys to instances
    saved since they were assigned are taken up), and as `save` does for a `TimeStampedModel`'s creation time."""
    if not objects:
        return
    model = type(objects[0])
    _check_plain_save(model)
    fields = _columns(model)
    quote = connection.ops.quote_name
    batch = max(connection.ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), batch):
        chunk = objects[start : start + batch]
        key = (connection.vendor, model, len(chunk))
        sql = _insert_sql.get(key)
        if sql is None:
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            sql = _insert_sql[key] = (
                f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
                f"VALUES {', '.join([row] * len(chunk))} RETURNING {quote(model._meta.pk.column)}"
            )
        params = []
        for instance in chunk:
            instance._prepare_related_fields_for_save(operation_name="insert")
            if isinstance(instance, TimeStampedModel) and clock.is_simulated():
                instance.created_at = clock.now()  # as TimeStampedModel.save does: a replayed history keeps its times
            params += [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = cursor.fetchall()
        for instance, (pk,) in zip(chunk, keys, strict=True):
            instance.pk = pk
            instance._state.adding, instance._state.db = False, connection.alias


def defer_save(instance: models.Model, fields: Iterable[str]) -> None:
    """Note fields changed on `instance` that the next `save_fields` of it saves too (one UPDATE for changes made
    in several steps of one action)."""
    instance.__dict__.setdefault("_unsaved_fields", set()).update(fields)


def save_fields(instance: models.Model, fields: Iterable[str]) -> None:
    """`instance.save(update_fields=fields)` (plus the fields `defer_save` noted) as one hand-built UPDATE: the
    fields' `pre_save` runs (`auto_now`), and a row that is gone raises as `save` does."""
    model = type(instance)
    _check_plain_save(model)
    names = set(fields) | instance.__dict__.pop("_unsaved_fields", set())
    columns = [field for field in _columns(model) if field.name in names or field.attname in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    params = [field.get_db_prep_save(field.pre_save(instance, False), connection) for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


class Row:
    """Builds instances of several models from one hand-written SELECT (a row of joined tables), as
    `select_related` does: `Row.columns(model, alias)` gives the select list of a model's columns, `read` the
    instances, with the database's values converted as the ORM converts them."""

    _converters: dict[tuple, list] = {}

    @staticmethod
    def columns(model: type[models.Model], alias: str) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(alias)}.{quote(field.column)}" for field in model._meta.concrete_fields)

    @classmethod
    def read(cls, row, *models_: type[models.Model]) -> list[models.Model]:
        """One instance per model, from consecutive slices of `row` (each model's `columns`, in order)."""
        instances, start = [], 0
        for model in models_:
            converters = cls._converters.get((connection.vendor, model))
            if converters is None:
                converters = cls._converters[(connection.vendor, model)] = []
                for field in model._meta.concrete_fields:
                    column = field.get_col(model._meta.db_table)
                    found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                    converters.append((column, found))
            values = list(row[start : start + len(converters)])
            for index, (column, found) in enumerate(converters):
                for converter in found:
                    values[index] = converter(values[index], column, connection)
            instances.append(model.from_db(connection.alias, None, values))
            start += len(converters)
        return instances


def set_related(instance: models.Model, name: str, related: models.Model) -> None:
    """Cache `related` as `instance.<name>` (a foreign key), as `select_related(name)` leaves it."""
    instance._meta.get_field(name).set_cached_value(instance, related)
