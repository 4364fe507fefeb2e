"""Property-based run of the whole API against its own OpenAPI schema (schemathesis): for generated requests,
valid and invalid, the API never answers 500, every status is documented and every body matches its schema.

Two checks are left out on purpose: a schema-valid body may still break a business rule (a credit code's
check digits, an office the caller may not use), so it need not be accepted; and repeated query parameters are
tolerated (the last one wins) rather than refused."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from salesops.testing.api import api_key_for


@pytest.fixture
def api_schema(org):
    # Requests run in-process inside the test transaction, so the connection must outlive each request
    # (Django's test client does the same).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def has_inputs(operation) -> bool:
    return any(len(group) for group in (operation.path_parameters, operation.query, operation.body))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms_to_the_schema(org, api_schema, mode):
    headers = {"Authorization": f"Bearer {api_key_for(org.a.user('regional_director'))}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:
        if mode == GenerationMode.NEGATIVE and not has_inputs(operation):
            continue  # nothing to make invalid (GET /stages takes no parameters)

        @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
        @settings(
            max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
        )
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance, negative_data_rejection])

        check()
