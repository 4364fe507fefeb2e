"""Errors the API answers with its JSON envelope whatever goes wrong with a request."""

import json

from salesops.testing.api import api_key_for, bearer


def test_a_body_over_the_upload_limit_gets_the_json_envelope(client, org, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 2000})
    response = client.post(
        "/api/v1/price-lists", body, content_type="application/json", **bearer(api_key_for(org.admin))
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_large"
