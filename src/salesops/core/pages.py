"""Helpers shared by list pages: filters from the query string, and the query string pager links keep."""

from django.http import HttpRequest
from pydantic import BaseModel, ValidationError

PAGE_ONLY_PARAMETERS = ("page", "format", "limit", "offset")


def filters_from_request[F: BaseModel](request: HttpRequest, schema: type[F]) -> F:
    """The list's filter schema filled from the query string; a hand-edited URL with a bad value shows the
    unfiltered list rather than an error page."""
    params = {
        key: value
        for key, value in request.GET.items()
        if value and key in schema.model_fields and key not in PAGE_ONLY_PARAMETERS
    }
    try:
        return schema(**params)
    except ValidationError:
        return schema()


def list_query_string(request: HttpRequest) -> str:
    """The current filters without page and format, for pager and export links."""
    params = request.GET.copy()
    for transient in ("page", "format"):
        params.pop(transient, None)
    return params.urlencode()
