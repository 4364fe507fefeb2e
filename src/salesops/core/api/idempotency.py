"""`Idempotency-Key` for API POSTs that create something.

The first request with a key runs inside one transaction that starts by inserting the key's row; the response
is stored in that row before commit. A retry with the same key and body gets the stored response (with
`Idempotent-Replayed: true`); the same key with another body gets 409. Two concurrent requests with one key
serialise on the row's unique constraint (PostgreSQL waits on the index entry, SQLite on the write lock), so
exactly one of them runs the handler. Failed requests (4xx) roll back with their key and may be retried.
A multipart upload is compared by its parts (field values, file names and bytes), not by its raw body.
"""

import functools
import hashlib

from django.db import connection, transaction
from django.http import HttpResponse
from ninja import Status

from salesops.core.api.errors import Conflict, field_error
from salesops.core.api.rendering import renderer
from salesops.core.events import all_or_nothing
from salesops.core.instances import save_fields
from salesops.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
OPENAPI_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "Any unique string (a UUID is a good choice). A retry with the same key and body returns the "
    "first response instead of creating a second record; the same key with another body answers 409.",
}
OPENAPI_EXTRA = {"parameters": [OPENAPI_PARAMETER]}


def principal_of(request) -> str:
    api_key = getattr(request, "api_key", None)
    if api_key is not None:
        return f"key:{api_key.pk}"
    return f"user:{request.user.pk}"


def request_fingerprint(request) -> str:
    digest = hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n")
    if request.content_type == "multipart/form-data":
        # An upload's raw body has been consumed by the parser by now, and clients draw a new boundary for each
        # retry: compare the parts instead (field values, and each file's name and bytes).
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(repr((name, upload.name, upload.size)).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def stored_response(record: IdempotencyRecord) -> HttpResponse:
    return HttpResponse(record.response_body, status=record.response_status, content_type=record.response_content_type)


def idempotent(handler):
    """Decorate a create handler returning ``Status(code, schema_instance)`` to honour the Idempotency-Key header."""

    @functools.wraps(handler)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(request, *args, **kwargs)
        if not key.strip() or len(key) > 255:
            raise field_error(HEADER, "The key must be 1-255 characters.", status=400)
        principal = principal_of(request)
        fingerprint = request_fingerprint(request)
        with transaction.atomic(), all_or_nothing():  # whatever escapes the handler rolls back, the key with it
            record = claim(principal, key, request, fingerprint)
            if record is None:
                record = IdempotencyRecord.objects.get(principal=principal, key=key)
                if record.request_hash != fingerprint:
                    raise Conflict(
                        "This Idempotency-Key was used with a different request.",
                        code="idempotency_key_reused",
                        fields={HEADER: ["Use a new key for a different request."]},
                    ) from None
                response = stored_response(record)
                response["Idempotent-Replayed"] = "true"
                return response
            result: Status = handler(request, *args, **kwargs)
            record.response_status = result.status_code
            record.response_body = renderer.render(request, result.value, response_status=result.status_code)
            record.response_content_type = renderer.media_type
            save_fields(record, ["response_status", "response_body", "response_content_type"])
        return stored_response(record)

    return wrapper


def claim(principal: str, key: str, request, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the key's record (its response still empty), or return None when the key is known already.

    One `INSERT ... ON CONFLICT DO NOTHING RETURNING id`, the same on SQLite and PostgreSQL: a second request with
    the key waits on the unique index until the first commits (or rolls back, and then takes the key), and needs
    no savepoint to recover from a unique violation, as an ORM insert would (two more statements per request).
    """
    record = IdempotencyRecord(
        principal=principal,
        key=key,
        method=request.method,
        path=request.path,
        request_hash=fingerprint,
        response_status=0,
        response_body="",
    )
    fields = [field for field in IdempotencyRecord._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(IdempotencyRecord._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({quote('principal')}, {quote('key')}) DO NOTHING "
        "RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields])
        row = cursor.fetchone()
    if row is None:
        return None
    record.pk = row[0]
    record._state.adding, record._state.db = False, connection.alias
    return record
