"""Export routes: every list export is offered as CSV and as Excel by one handler."""

from ninja import Router

from salesops.core.api.errors import READ_ERRORS


def export_routes(router: Router, stem: str, *, summary: str):
    """Register the decorated handler at `<stem>.csv` and `<stem>.xlsx`; it reads which one was asked for with
    `core.exports.export_format(request)`. Declare it before `<list>/{id}` routes, like any static path."""

    def register(view):
        router.get(f"{stem}.csv", response={200: None, **READ_ERRORS}, summary=f"{summary} as CSV")(view)
        router.get(
            f"{stem}.xlsx",
            response={200: None, **READ_ERRORS},
            summary=f"{summary} as Excel",
            operation_id=f"{view.__module__}_{view.__name__}_xlsx".replace(".", "_"),
        )(view)
        return view

    return register
