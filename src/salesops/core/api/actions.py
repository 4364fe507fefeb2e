"""POST endpoints that run one action on one document: `/orders/{order_id}/submit`, `/quotes/{quote_id}/send`,
`/corrections/{correction_id}/confirm`...

Each such endpoint is the same five steps: require the API scopes, load the document within the caller's data
scope (404 otherwise), call the action with the acting user and the request body, answer 200 with the document,
and honour `Idempotency-Key`; its OpenAPI entry declares the write errors. `action_endpoint` registers one; what
differs (the action, its summary and description, what it answers) stays next to the call, in the app's api.py.
"""

import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from salesops.accounts.auth import require_scope
from salesops.core.api.errors import WRITE_ERRORS
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent

PATH_PARAMETER = re.compile(r"^/(?P<resource>[\w-]+)/\{(?P<id_name>(?P<noun>\w+)_id)\}$")


def action_endpoint(
    router: Router,
    base: str,
    verb: str,
    *,
    summary: str,
    description: str,
    call: Callable[..., Any],
    load: Callable[[HttpRequest, int], Any],
    answer: Callable[[Any], Any],
    response: type[Schema],
    body: type[Schema],
    scopes: Sequence[str],
    answer_returned: bool = False,
) -> None:
    """Register `POST <base>/<verb>` on `router`, where `base` names the document by id (`/orders/{order_id}`).

    The handler requires every one of `scopes`, loads the document with `load(request, id)` (which raises 404
    outside the caller's scope), runs `call(document, actor=request.user, **body fields)` and answers 200 with
    `answer(document)`, or with `answer(what call returned)` when `answer_returned` is set (for an action that
    returns the document with everything its answer shows). It is `@idempotent`; its operation id is
    `<resource>_<verb>` (`orders_submit`), its Python name `<verb>_<noun>` (`submit_order`), its description
    `description`, and its responses the document (`response`) and `WRITE_ERRORS`."""
    match = PATH_PARAMETER.match(base)
    if match is None:
        raise ValueError(f"{base!r} is not /<resource>/{{<noun>_id}}")
    id_name = match["id_name"]

    def handler(request: HttpRequest, **arguments):
        for scope in scopes:
            require_scope(request, scope)
        document = load(request, arguments[id_name])
        returned = call(document, actor=request.user, **arguments["payload"].dict())
        return Status(200, answer(returned if answer_returned else document))

    # django-ninja reads the path parameter and the body from the signature: give the handler the one a
    # hand-written `def submit_order(request, order_id: int, payload: CommentIn)` would have.
    handler.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
            inspect.Parameter(id_name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
            inspect.Parameter("payload", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=body),
        ]
    )
    handler.__name__ = handler.__qualname__ = f"{verb}_{match['noun']}"
    handler.__doc__ = description
    router.post(
        f"{base}/{verb}",
        response={200: response, **WRITE_ERRORS},
        openapi_extra=OPENAPI_EXTRA,
        summary=summary,
        operation_id=f"{match['resource']}_{verb}",
    )(idempotent(handler))
