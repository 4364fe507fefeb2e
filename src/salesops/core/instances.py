"""For actions that return what they wrote, ready to render: the API answers from it without reading it back.

Reading a row back right after writing it costs more than the write itself (Django builds every related object
again), and the action already holds the values. These helpers make such an instance look exactly like a fresh
read, so that rendering it gives the same answer a later GET gives.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models
from django.db.models import signals
from django.db.models.base import ModelState

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


def passed_through(field: models.Field) -> type | None:
    """The type of value a field's `get_db_prep_save` returns unchanged on every backend: text as `str`, whole
    numbers and keys as `int`, booleans, decimals. Anything else (times, JSON, UUIDs, None) goes through it."""
    if isinstance(field, models.ForeignKey):
        return passed_through(field.target_field)
    if isinstance(field, models.CharField | models.TextField):
        return str
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DecimalField):
        return Decimal
    if isinstance(field, models.IntegerField | models.AutoField):
        return int
    return None


class Plan:
    """What the helpers below need of a model on one kind of database, worked out once: its columns, foreign keys
    and statements."""

    _plans: dict[tuple, "Plan"] = {}

    def __init__(self, model: type[models.Model], db) -> None:
        if issubclass(model, CustomFieldsModel):
            raise TypeError(f"{model._meta.label} validates its custom fields in save(): save it through the ORM")
        self.model = model
        quote = db.ops.quote_name
        self.table, self.pk_column = quote(model._meta.db_table), quote(model._meta.pk.column)
        self.fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        self.foreign_keys = [field for field in self.fields if field.is_relation]
        # Per field: whether its `pre_save` does more than read the attribute (auto_now), and the Python type its
        # value goes to the driver as it is (the field's `get_db_prep_save` would give it back unchanged).
        self.preparation = [
            (field, type(field).pre_save is not models.Field.pre_save, passed_through(field)) for field in self.fields
        ]
        self.column_list = ", ".join(quote(field.column) for field in self.fields)
        self.inserts: dict[int, str] = {}
        self.stamped = issubclass(model, TimeStampedModel)

    @classmethod
    def of(cls, model: type[models.Model], db) -> "Plan":
        plan = cls._plans.get((db.vendor, model))
        if plan is None:
            plan = cls._plans[(db.vendor, model)] = cls(model, db)
        return plan

    def insert_sql(self, rows: int) -> str:
        sql = self.inserts.get(rows)
        if sql is None:
            row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            sql = self.inserts[rows] = (
                f"INSERT INTO {self.table} ({self.column_list}) VALUES {', '.join([row] * rows)} "
                f"RETURNING {self.pk_column}"
            )
        return sql

    def values(self, instance: models.Model, fields, db, *, add: bool) -> list:
        """The instance's values of `fields` (some of `preparation`) as `get_db_prep_save` prepares them."""
        values = []
        for field, own_pre_save, passed in fields:
            value = field.pre_save(instance, add) if own_pre_save else getattr(instance, field.attname)
            values.append(value if type(value) is passed else field.get_db_prep_save(value, db))
        return values

    def take_up_foreign_keys(self, instance: models.Model) -> None:
        """What `Model._prepare_related_fields_for_save` does: a related instance saved since it was assigned
        gives its key; one still unsaved is refused."""
        for field in self.foreign_keys:
            if field.is_cached(instance):
                related = field.get_cached_value(instance)
                if related is None:
                    continue
                if related.pk is None:
                    raise ValueError(f"insert() prohibited to prevent data loss due to unsaved related {field.name}.")
                if getattr(instance, field.attname) in field.empty_values:
                    setattr(instance, field.attname, getattr(related, field.target_field.attname))


def insert(objects: list[models.Model]) -> None:
    """Insert unsaved instances of one model with one `INSERT ... RETURNING` per batch and set their primary keys,
    as `bulk_create` does (fields' `pre_save` runs, so `auto_now` and defaults apply; foreign keys to instances
    saved since they were assigned are taken up), and as `save` does for a `TimeStampedModel`'s creation time."""
    if not objects:
        return
    db = connections[DEFAULT_DB_ALIAS]
    plan = Plan.of(type(objects[0]), db)
    fields = plan.fields
    simulated = plan.stamped and clock.is_simulated()
    batch = max(db.ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), batch):
        chunk = objects[start : start + batch]
        params = []
        for instance in chunk:
            plan.take_up_foreign_keys(instance)
            if simulated:
                instance.created_at = clock.now()  # as TimeStampedModel.save does: a replayed history keeps its times
            params += plan.values(instance, plan.preparation, db, add=True)
        with db.cursor() as cursor:
            cursor.execute(plan.insert_sql(len(chunk)), params)
            keys = cursor.fetchall()
        for instance, (pk,) in zip(chunk, keys, strict=True):
            instance.pk = pk
            instance._state.adding, instance._state.db = False, db.alias


def defer_save(instance: models.Model, fields: Iterable[str]) -> None:
    """Note fields changed on `instance` that the next `save_fields` of it saves too (one UPDATE for changes made
    in several steps of one action)."""
    instance.__dict__.setdefault("_unsaved_fields", set()).update(fields)


def save_fields(instance: models.Model, fields: Iterable[str]) -> None:
    """`instance.save(update_fields=fields)` (plus the fields `defer_save` noted) as one hand-built UPDATE: the
    fields' `pre_save` runs (`auto_now`), and a row that is gone raises as `save` does."""
    db = connections[DEFAULT_DB_ALIAS]
    plan = Plan.of(type(instance), db)
    names = set(fields) | instance.__dict__.pop("_unsaved_fields", set())
    columns = [entry for entry in plan.preparation if entry[0].name in names or entry[0].attname in names]
    quote = db.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field, _pre_save, _passed in columns)
    params = plan.values(instance, columns, db, add=False)
    with db.cursor() as cursor:
        cursor.execute(f"UPDATE {plan.table} SET {assignments} WHERE {plan.pk_column} = %s", [*params, instance.pk])
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


class Row:
    """Builds instances of several models from one hand-written SELECT (a row of joined tables), as
    `select_related` does: `Row.columns(model, alias)` gives the select list of a model's columns, `read` the
    instances, with the database's values converted as the ORM converts them."""

    # (vendor, model) → the model's attribute names, and (index, column, converters) for the columns that have any
    _shapes: dict[tuple, tuple[list[str], list[tuple]]] = {}

    @staticmethod
    def columns(model: type[models.Model], alias: str) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(alias)}.{quote(field.column)}" for field in model._meta.concrete_fields)

    @classmethod
    def shape(cls, db, model: type[models.Model]) -> tuple[list[str], list[tuple]]:
        shape = cls._shapes.get((db.vendor, model))
        if shape is None:
            converted = []
            for index, field in enumerate(model._meta.concrete_fields):
                column = field.get_col(model._meta.db_table)
                found = db.ops.get_db_converters(column) + column.get_db_converters(db)
                if found:
                    converted.append((index, column, found))
            attnames = [field.attname for field in model._meta.concrete_fields]
            shape = cls._shapes[(db.vendor, model)] = (attnames, converted)
        return shape

    @classmethod
    def read(cls, row, *models_: type[models.Model]) -> list[models.Model]:
        """One instance per model, from consecutive slices of `row` (each model's `columns`, in order)."""
        db = connections[DEFAULT_DB_ALIAS]
        instances, start = [], 0
        for model in models_:
            attnames, converted = cls.shape(db, model)
            values = list(row[start : start + len(attnames)])
            for index, column, found in converted:
                for converter in found:
                    values[index] = converter(values[index], column, db)
            instances.append(loaded(model, attnames, values, db.alias))
            start += len(attnames)
        return instances


def loaded(model: type[models.Model], attnames: list[str], values: list, alias: str) -> models.Model:
    """What `model.from_db(alias, None, values)` returns, built without `Model.__init__` (its per-field work is
    most of the cost of a read on the order path): the attributes set, the state that of a loaded row. Models
    that something listens to being initialised (pre_init, post_init) go through `from_db`."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model.from_db(alias, None, values)
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, alias
    return instance


def set_related(instance: models.Model, name: str, related: models.Model) -> None:
    """Cache `related` as `instance.<name>` (a foreign key), as `select_related(name)` leaves it."""
    instance._meta.get_field(name).set_cached_value(instance, related)


_related_selects: dict[tuple, str] = {}


def with_related(queryset: models.QuerySet, *related: str) -> list[models.Model]:
    """`list(queryset.select_related(*related))` for foreign keys that are never null, unordered: the queryset's
    filters (a scoping function's included) are built by the ORM as a subquery of keys, the select list and the
    instances by hand (`Row`). For reads on the order path, where building the select list and instances of
    `select_related` cost the ORM more than the statement costs the database."""
    model = queryset.model
    db = connections[DEFAULT_DB_ALIAS]
    key = (db.vendor, model, related)
    select = _related_selects.get(key)
    if select is None:
        quote = db.ops.quote_name
        fields = [model._meta.get_field(name) for name in related]
        if any(field.null or not field.many_to_one for field in fields):
            raise ValueError(f"with_related loads foreign keys that are never null, not {related}")
        columns = [Row.columns(model, "t")] + [
            Row.columns(field.related_model, name) for name, field in zip(related, fields, strict=True)
        ]
        joins = [
            f"JOIN {quote(field.related_model._meta.db_table)} {quote(name)} "
            f"ON {quote(name)}.{quote(field.target_field.column)} = t.{quote(field.column)}"
            for name, field in zip(related, fields, strict=True)
        ]
        select = _related_selects[key] = (
            f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t {' '.join(joins)} "
            f"WHERE t.{quote(model._meta.pk.column)} IN "
        )
    try:
        keys_sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # `none()` (a scope that shows nothing), `pk__in=[]`: as the ORM, read nothing
        return []
    with db.cursor() as cursor:
        cursor.execute(f"{select}({keys_sql})", params)
        rows = cursor.fetchall()
    models_ = [model, *(model._meta.get_field(name).related_model for name in related)]
    found = []
    for row in rows:
        instance, *references = Row.read(row, *models_)
        for name, reference in zip(related, references, strict=True):
            set_related(instance, name, reference)
        found.append(instance)
    return found
