"""The shell: a home page for every role, the language switch, and the admin in both languages."""

import pytest
from django.urls import reverse

from salesops.accounts.models import Role


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_home_page(org, client_for, role):
    user = org.admin if role == Role.ADMIN else org.a.user(role)
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["focus"]


def test_language_switch_changes_the_page_language(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    chinese = client.get(reverse("home")).content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    english = client.get(reverse("home")).content.decode()

    assert '<html lang="zh-hans">' in chinese
    assert "客户" in chinese
    assert '<html lang="en">' in english
    assert "Customers" in english


def test_admin_speaks_both_languages(org, client_for):
    client = client_for(org.admin)
    chinese = client.get(reverse("admin:index")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    english = client.get(reverse("admin:index")).content.decode()
    assert "站点管理" in chinese
    assert "组织单元" in chinese
    assert "Site administration" in english
    assert "Org units" in english


def test_health_check(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
