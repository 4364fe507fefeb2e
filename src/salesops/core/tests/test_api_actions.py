"""`core.api.actions.action_endpoint`: the document action endpoints it registers read in the OpenAPI schema and
in Django's URL names exactly as hand-written handlers did, and it refuses a path it cannot name."""

import pytest
from django.urls import reverse
from ninja import Router

from salesops.core.api.actions import action_endpoint
from salesops.orders.schemas import CommentIn, OrderOut

ACTIONS = [
    ("/orders/{order_id}/submit", "orders_submit", "submit_order", "order_id", "CommentIn", "OrderOut"),
    ("/orders/{order_id}/release", "orders_release", "release_order", "order_id", "CommentIn", "OrderOut"),
    ("/quotes/{quote_id}/convert", "quotes_convert", "convert_quote", "quote_id", "CommentIn", "QuoteOut"),
    (
        "/corrections/{correction_id}/confirm",
        "corrections_confirm",
        "confirm_correction",
        "correction_id",
        "DecisionIn",
        "CorrectionOut",
    ),
]


@pytest.mark.parametrize(("path", "operation_id", "url_name", "id_name", "body", "answer"), ACTIONS)
def test_action_endpoints_keep_their_operation_ids_names_parameters_and_responses(
    org, client_for, path, operation_id, url_name, id_name, body, answer
):
    schema = client_for(org.admin).get("/api/v1/openapi.json").json()
    operation = schema["paths"][f"/api/v1{path}"]["post"]

    assert operation["operationId"] == operation_id
    assert operation["description"]  # the handler's docstring
    path_parameters = [p for p in operation["parameters"] if p["in"] == "path"]
    assert [(p["name"], p["schema"]["type"], p["required"]) for p in path_parameters] == [(id_name, "integer", True)]
    assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
    content = operation["requestBody"]["content"]["application/json"]["schema"]
    assert content == {"$ref": f"#/components/schemas/{body}"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{answer}"
    }
    assert {"400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    assert reverse(f"api:{url_name}", kwargs={id_name: 7}) == f"/api/v1{path}".replace(f"{{{id_name}}}", "7")


@pytest.mark.parametrize("base", ["/orders", "/orders/{id}", "/orders/{order_id}/lines", "orders/{order_id}"])
def test_a_base_that_does_not_name_one_document_by_id_is_refused(base):
    with pytest.raises(ValueError, match="is not /<resource>/"):
        action_endpoint(
            Router(),
            base,
            "submit",
            summary="",
            description="",
            call=print,
            load=print,
            answer=print,
            response=OrderOut,
            body=CommentIn,
            scopes=[],
        )
