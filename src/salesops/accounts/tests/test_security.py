"""Sign-in and security settings: lockout, CSP, Argon2, cookies, the deploy check, SQLite concurrency settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from salesops import settings as product_settings
from salesops.testing.org import PASSWORD


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_and_out(org):
    client = Client()
    response = sign_in(client, "sales_rep_a", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_repeated_failures_lock_the_account_even_for_the_right_password(org):
    client = Client()
    failures = [
        sign_in(client, "sales_rep_a", "wrong password").status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = sign_in(client, "sales_rep_a", PASSWORD)

    assert failures[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked
    assert sign_in(Client(), "sales_rep_b", PASSWORD).status_code == 302


def test_pages_carry_a_nonce_based_content_security_policy(org, client_for):
    response = client_for(org.a.user("sales_rep")).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-eval" not in policy
    assert f'nonce="{nonce}"' in response.content.decode()  # the htmx script tag


def test_passwords_are_hashed_with_argon2():
    assert product_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_cookies_are_secure_outside_debug():
    assert product_settings.DEBUG is False
    assert product_settings.SESSION_COOKIE_SECURE is True
    assert product_settings.CSRF_COOKIE_SECURE is True


def test_deploy_check_is_clean_for_the_production_profile(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SALESOPS_HTTPS": "1",
        "ALLOWED_HOSTS": "sales.example.com",
        "EMAIL_URL": "smtp://salesops:secret@mail.example.com:587?tls=1",
        "SALESOPS_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "salesops.settings",
    }
    for name in ("SALESOPS_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "salesops.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite-specific settings"
)
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 20


def test_admin_changes_to_a_user_are_audited_without_secrets(org, client_for):
    from salesops.core.models import Event

    user = org.a.user("sales_rep")
    client = client_for(org.admin)
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "username": user.username,
            "role": "sales_manager",
            "org_unit": org.a.team.pk,
            "time_zone": "Asia/Shanghai",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
    )
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = Event.objects.get(type="user.updated", subject_id=str(user.pk))
    assert event.payload["before"]["role"] == "sales_rep"
    assert event.payload["after"]["role"] == "sales_manager"
    assert "password" not in str(event.payload)
