"""The API's error envelope: {"error": {"code": "...", "message": "...", "fields": {...}}}.

Every handler below turns an exception into that envelope with the right status, so bad input is a 4xx with the
field at fault and never a 500.
"""

from typing import Any

from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from salesops.core.querying import InvalidParameter


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """Raise from handlers or actions' callers to answer with a given status and code."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


class Conflict(ApiError):
    def __init__(self, message: str, code: str = "conflict", fields: dict | None = None):
        super().__init__(409, code, message, fields)


STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "too_many_requests",
}


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for an operation's error statuses, so each one appears in the OpenAPI schema."""
    return dict.fromkeys(statuses, ErrorOut)


READ_ERRORS = errors(400, 401, 403, 404)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def envelope(api: NinjaAPI, request, status: int, message: str, *, code: str | None = None, fields=None):
    body = {"error": {"code": code or STATUS_CODES.get(status, "error"), "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


def django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("__all__" if key == "__all__" else key): messages for key, messages in exc.message_dict.items()}
    return {"__all__": exc.messages}


def ninja_validation_fields(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", ())]
        if len(location) > 1 and location[0] == "file":
            location = location[1:]  # an upload's field: ("file", "<name>")
        # Drop the transport prefix ("body", "payload") so the field reads as the client sent it.
        while location and location[0] in {"body", "query", "path", "header", "form", "payload"}:
            location = location[1:]
        key = ".".join(location) or "__all__"
        fields.setdefault(key, []).append(str(item.get("msg", "invalid")))
    return fields


def is_malformed_body(exc: NinjaValidationError) -> bool:
    return any(item.get("type") in {"json_invalid", "model_attributes_type"} for item in exc.errors)


def locations(exc: NinjaValidationError) -> set[str]:
    return {str(item.get("loc", ("",))[0]) for item in exc.errors}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return envelope(api, request, exc.status, exc.message, code=exc.code, fields=exc.fields)

    @api.exception_handler(InvalidParameter)
    def invalid_parameter(request, exc: InvalidParameter):
        return envelope(api, request, 400, exc.message, code="invalid_parameter", fields=exc.fields)

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request, exc: NinjaValidationError):
        """Malformed JSON and bad query parameters are 400, an id that cannot exist is 404, bad fields 422."""
        fields = ninja_validation_fields(exc)
        where = locations(exc)
        if is_malformed_body(exc):
            return envelope(api, request, 400, "The request body is not valid JSON.", fields=fields)
        if "path" in where:
            return envelope(api, request, 404, "Not found.", fields=fields)
        if where == {"query"}:
            return envelope(api, request, 400, "Invalid query parameters.", code="invalid_parameter", fields=fields)
        return envelope(api, request, 422, "The request has invalid fields.", fields=fields)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: the same JSON envelope as every other error (Django alone
        would answer with an HTML page)."""
        return envelope(api, request, 400, "The request body is too large.", code="too_large")

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        """A request Django refuses to read (a malformed multipart body, too many fields, a bad header): the JSON
        envelope rather than Django's HTML page."""
        return envelope(api, request, 400, "The request cannot be read.", code="bad_request")

    @api.exception_handler(BadRequest)
    def bad_request(request, exc):
        return envelope(api, request, 400, str(exc) or "Bad request.", code="bad_request")

    @api.exception_handler(DjangoValidationError)
    def domain_invalid(request, exc: DjangoValidationError):
        return envelope(api, request, 422, "The request has invalid fields.", fields=django_validation_fields(exc))

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return envelope(api, request, 401, "Authentication required: a valid API key or a session.")

    @api.exception_handler(AuthorizationError)
    def not_authorised(request, exc):
        return envelope(api, request, 403, str(exc) or "Not allowed.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return envelope(api, request, 403, str(exc) or "Not allowed.")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return envelope(api, request, 404, "Not found.")

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return envelope(api, request, 404, "Not found.")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return envelope(api, request, exc.status_code, str(exc))


def field_error(field: str, message: str, status: int = 422) -> ApiError:
    return ApiError(status, STATUS_CODES[status], message, {field: [message]})


def as_fields(mapping: dict[str, Any]) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [str(value)] for key, value in mapping.items()}
