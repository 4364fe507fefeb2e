"""How the API knows who is calling: `Authorization: Bearer <key>` or the page session (with CSRF)."""

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from salesops.accounts.models import API_KEY_PREFIX, ApiKey, hash_api_key
from salesops.core.api.errors import ApiError

LAST_USED_RESOLUTION_SECONDS = 60


def find_api_key(secret: str) -> ApiKey | None:
    """The usable key for a presented secret, or None (unknown, revoked, expired or inactive user)."""
    if not secret.startswith(API_KEY_PREFIX):
        return None
    key = ApiKey.objects.select_related("user").filter(key_hash=hash_api_key(secret)).first()
    if key is None or not key.is_usable():
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        # Throttled so a busy integration does not write on every request.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


class ApiKeyAuth(HttpBearer):
    openapi_description = "An API key: `Authorization: Bearer sok_...` (create one with `salesops apikey create`)."

    def authenticate(self, request, token):
        key = find_api_key(token)
        if key is None:
            return None
        request.user = key.user
        request.api_key = key
        return key.user


class SessionAuth(NinjaSessionAuth):
    """The signed-in page session; unsafe methods need the CSRF token, as on pages."""

    openapi_description = "The browser session of a signed-in user (with the CSRF token on writes)."

    def _get_key(self, request):
        # Without a signed-in session there is nothing to protect from CSRF: answer 401, not "CSRF failed".
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            request.api_key = None
            return user
        return None


def require_scope(request, scope: str) -> None:
    """API keys act only within their scopes; a session acts with its user's full rights."""
    key = getattr(request, "api_key", None)
    if key is not None and not key.allows(scope):
        raise ApiError(403, "insufficient_scope", f"This API key lacks the {scope!r} scope.")
