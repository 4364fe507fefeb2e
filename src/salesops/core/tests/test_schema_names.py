"""OpenAPI components are keyed by schema class name: two schemas with one name would silently overwrite each
other in /api/v1/openapi.json, so every schema name must be unique across the apps."""

from collections import defaultdict

from ninja import Schema

import salesops.api  # noqa: F401  (imports every router and its schemas)


def schema_classes(base=Schema):
    for subclass in base.__subclasses__():
        yield subclass
        yield from schema_classes(subclass)


def test_every_api_schema_name_is_unique():
    modules = defaultdict(set)
    for schema in schema_classes():
        if schema.__module__.startswith("salesops."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: places for name, places in modules.items() if len(places) > 1} == {}
