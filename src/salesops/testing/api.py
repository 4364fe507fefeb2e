"""Helpers for API tests: API keys and JSON requests."""

import json

from django.test import Client

from salesops.accounts.actions import create_api_key


def api_key_for(user, scopes=("*",), expires_at=None) -> str:
    _key, secret = create_api_key(user=user, name="test", scopes=list(scopes), expires_at=expires_at, actor=None)
    return secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post_json(client: Client, url: str, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **headers)
