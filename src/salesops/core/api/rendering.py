"""JSON rendering shared by the API and the idempotency store, so a replayed response is byte-identical."""

from ninja.renderers import JSONRenderer


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON without \\u escapes: Chinese names stay readable in logs and curl output."""

    json_dumps_params = {"ensure_ascii": False}


renderer = UnicodeJSONRenderer()
