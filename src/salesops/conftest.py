import pytest

from salesops.core.calendars import forget_calendars
from salesops.testing.org import build_org


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that are not about hashing use a fast hasher (test_security checks Argon2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Production serves hashed names from a manifest built by collectstatic; tests must not depend on it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # Calendar snapshots are cached per process; a calendar a test rolled back must not serve the next test.
    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture
def live_url(transactional_db, monkeypatch):
    """A live server for this test only: stopping it joins its threads, so no database session outlives it."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connection
    from django.test.testcases import LiveServerThread

    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    server = LiveServerThread("localhost", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()
