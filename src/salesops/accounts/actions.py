"""Writes for accounts: org units (created, changed, moved) and API keys (created, revoked)."""

import re
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from salesops.accounts.models import API_KEY_PREFIX, ApiKey, OrgUnit, User, hash_api_key
from salesops.core.events import record_event

SCOPE_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_-]*):(read|write|\*)$|^\*$")


def validate_scopes(scopes: list[str]) -> list[str]:
    bad = [scope for scope in scopes if not SCOPE_PATTERN.match(scope)]
    if bad:
        raise ValidationError({"scopes": [f"Not a scope: {', '.join(bad)} (use resource:read, resource:write or *)."]})
    return sorted(set(scopes))


def create_api_key(
    *, user: User, name: str, scopes: list[str], expires_at: datetime | None, actor: User | None
) -> tuple[ApiKey, str]:
    """Create a key for `user`; return it with its secret, which is never stored and cannot be shown again."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": ["The expiry must be in the future."]})
    if not name.strip():
        raise ValidationError({"name": ["Give the key a name that says what uses it."]})
    scopes = validate_scopes(scopes)
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            user=user,
            name=name.strip(),
            prefix=secret[: len(API_KEY_PREFIX) + 6],
            key_hash=hash_api_key(secret),
            scopes=scopes,
            expires_at=expires_at,
        )
        record_event(
            "api_key.created",
            key,
            actor=actor,
            data={"user": user.username, "scopes": scopes, "expires_at": expires_at},
        )
    return key, secret


def revoke_api_key(key: ApiKey, *, actor: User | None) -> ApiKey:
    """Revoke a key at once; later requests with it answer 401. Revoking twice changes nothing."""
    with transaction.atomic():
        updated = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            key.refresh_from_db()
            record_event("api_key.revoked", key, actor=actor, data={"user": key.user.username})
    return key


def save_org_unit(unit: OrgUnit, *, actor: User | None) -> OrgUnit:
    """Create or change an org unit. Moving it under another parent records `org_unit.moved`, on which other
    apps re-derive what depends on the tree (customers' regions, for one)."""
    unit.full_clean()
    with transaction.atomic():
        previous = OrgUnit.objects.select_for_update().filter(pk=unit.pk).first() if unit.pk else None
        unit.save()
        after = {
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent_id,
            "manager": unit.manager_id,
            "path": unit.path,
        }
        if previous is None:
            record_event("org_unit.created", unit, actor=actor, after=after)
        else:
            before = {
                "name": previous.name,
                "kind": previous.kind,
                "parent": previous.parent_id,
                "manager": previous.manager_id,
                "path": previous.path,
            }
            changed = [key for key in after if before[key] != after[key]]
            if changed:
                moved = previous.parent_id != unit.parent_id
                record_event(
                    "org_unit.moved" if moved else "org_unit.updated",
                    unit,
                    actor=actor,
                    before={k: before[k] for k in changed},
                    after={k: after[k] for k in changed},
                )
    return unit
