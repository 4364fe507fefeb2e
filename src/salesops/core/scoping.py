"""One scoping function per business model: what a user may see. Every query for business data goes through it.

Apps register their function with `@scope_for(Model)`; `for_user` refuses a model without one (fail closed).
Out-of-scope objects are reported as missing (404), never as forbidden, so ids do not leak.
"""

from collections.abc import Callable

from django.db import models
from django.http import Http404

ScopeFunction = Callable[[models.QuerySet, object], models.QuerySet]
_scopes: dict[type[models.Model], ScopeFunction] = {}


def scope_for(model: type[models.Model]):
    def register(function: ScopeFunction) -> ScopeFunction:
        _scopes[model] = function
        return function

    return register


def for_user(queryset: models.QuerySet, user) -> models.QuerySet:
    """Narrow `queryset` to what `user` may see; anonymous or inactive users see nothing."""
    function = _scopes.get(queryset.model)
    if function is None:
        raise LookupError(f"no scoping function is registered for {queryset.model._meta.label}")
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return function(queryset, user)


def get_for_user(queryset: models.QuerySet, user, **lookup) -> models.Model:
    """The object matching `lookup` if `user` may see it; Http404 otherwise."""
    try:
        return for_user(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"{queryset.model._meta.verbose_name} not found") from None


def registered_models() -> list[type[models.Model]]:
    return list(_scopes)
