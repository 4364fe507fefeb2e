"""API keys: bearer auth, refusal of revoked/expired/wrong keys, scopes, last use, and the CLI."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from salesops.accounts.actions import create_api_key, revoke_api_key
from salesops.accounts.models import ApiKey, hash_api_key
from salesops.customers.models import Customer
from salesops.testing.api import api_key_for, bearer, post_json
from salesops.testing.org import credit_code


def get_customers(secret: str):
    return Client().get("/api/v1/customers", **bearer(secret))


def test_a_valid_key_acts_as_its_user(org):
    secret = api_key_for(org.a.user("sales_rep"))

    response = get_customers(secret)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [org.a.customer.pk]


def test_only_the_hash_is_stored(org):
    key, secret = create_api_key(user=org.admin, name="erp", scopes=["*"], expires_at=None, actor=org.admin)
    assert key.key_hash == hash_api_key(secret)
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().get())


@pytest.mark.parametrize("case", ["revoked", "expired", "wrong", "malformed", "inactive_user"])
def test_unusable_keys_are_refused_with_401(org, case):
    user = org.a.user("sales_rep")
    key, secret = create_api_key(user=user, name="t", scopes=["*"], expires_at=None, actor=None)
    if case == "revoked":
        revoke_api_key(key, actor=org.admin)
    elif case == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "wrong":
        secret = secret[:-4] + "abcd"
    elif case == "malformed":
        secret = "not-a-key"
    elif case == "inactive_user":
        user.is_active = False
        user.save()

    response = get_customers(secret)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_no_credentials_is_401():
    assert Client().get("/api/v1/customers").status_code == 401


def test_a_read_only_key_cannot_write(org):
    secret = api_key_for(org.a.user("sales_rep"), scopes=["customers:read"])
    body = {"name": "Scoped Co", "credit_code": credit_code(), "office_id": org.a.office.pk}

    created = post_json(Client(), "/api/v1/customers", body, **bearer(secret))
    listed = get_customers(secret)

    assert created.status_code == 403
    assert created.json()["error"]["code"] == "insufficient_scope"
    assert listed.status_code == 200
    assert not Customer.objects.filter(name="Scoped Co").exists()


def test_a_key_without_the_resource_scope_cannot_read(org):
    secret = api_key_for(org.a.user("sales_rep"), scopes=["orders:read"])
    assert get_customers(secret).status_code == 403


def test_a_write_scope_implies_read(org):
    secret = api_key_for(org.a.user("sales_rep"), scopes=["customers:write"])
    assert get_customers(secret).status_code == 200


def test_use_is_recorded(org):
    key, secret = create_api_key(user=org.a.user("sales_rep"), name="t", scopes=["*"], expires_at=None, actor=None)
    get_customers(secret)
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_bad_scopes_and_past_expiry_are_rejected(org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as bad_scope:
        create_api_key(user=org.admin, name="t", scopes=["customers"], expires_at=None, actor=None)
    with pytest.raises(ValidationError) as past:
        create_api_key(user=org.admin, name="t", scopes=["*"], expires_at=timezone.now(), actor=None)
    assert "scopes" in bad_scope.value.message_dict
    assert "expires_at" in past.value.message_dict


def test_cli_creates_a_key_once_and_revokes_it(org):
    out, err = StringIO(), StringIO()
    call_command("apikey", "create", "--user", org.admin.username, "--scopes", "customers:read", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    key = ApiKey.objects.get(key_hash=hash_api_key(secret))
    assert key.scopes == ["customers:read"]
    assert key.expires_at is not None
    assert "not shown again" in err.getvalue()

    listing = StringIO()
    call_command("apikey", "list", stdout=listing)
    assert key.prefix in listing.getvalue()
    assert secret not in listing.getvalue()

    call_command("apikey", "revoke", key.prefix, stdout=StringIO())
    assert get_customers(secret).status_code == 401


def test_admin_creates_a_key_and_shows_it_once(org, client_for):
    client = client_for(org.admin)
    response = client.post(
        "/admin/accounts/apikey/add/",
        {
            "user": org.a.user("sales_rep").pk,
            "name": "from admin",
            "scopes": "customers:read",
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )

    key = ApiKey.objects.get(name="from admin")
    shown = [str(m) for m in response.context["messages"]]
    secret = re.search(r"sok_[A-Za-z0-9_-]+", " ".join(shown)).group(0)
    assert key.key_hash == hash_api_key(secret)
    assert get_customers(secret).status_code == 200


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_writes_with_a_bad_key_are_401_not_a_csrf_error(org, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        f"/api/v1/customers/{org.a.customer.pk}" if method != "post" else "/api/v1/customers",
        "{}",
        content_type="application/json",
        **bearer("sok_not-a-real-key"),
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_session_writes_still_need_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.a.user("sales_rep"))
    response = client.patch(f"/api/v1/customers/{org.a.customer.pk}", '{"name": "x"}', content_type="application/json")
    assert response.status_code == 403
    org.a.customer.refresh_from_db()
    assert org.a.customer.name != "x"


def test_star_colon_star_grants_everything(org):
    assert get_customers(api_key_for(org.a.user("sales_rep"), scopes=["*:*"])).status_code == 200
