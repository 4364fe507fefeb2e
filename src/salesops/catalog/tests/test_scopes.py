"""The scope matrix: the catalog is company-wide. Every internal role sees all of it (retired products included),
a dealer only active records and only the default prices and its own group's, a supplier nothing, on the API and
the pages alike. Nobody but an administrator changes it, and a refused change leaves it as it was."""

import json

import pytest
from django.urls import reverse

from salesops.accounts.models import Role
from salesops.core.events import snapshot

SEES_NOTHING = {Role.SUPPLIER}
SEES_ACTIVE_ONLY = {Role.DEALER}


def expected(role) -> tuple[bool, bool]:
    """(sees active records, sees inactive records)"""
    if role in SEES_NOTHING:
        return False, False
    if role in SEES_ACTIVE_ONLY:
        return True, False
    return True, True


@pytest.mark.parametrize("region", ["a", "b"])
@pytest.mark.parametrize("role", Role.values)
def test_api_scope_matrix(org, catalog, client_for, role, region):
    user = org.admin if role == Role.ADMIN else getattr(org, region).user(role)
    client = client_for(user)
    sees_active, sees_inactive = expected(role)
    before = snapshot(catalog.pump)

    listed = {row["sku"] for row in client.get("/api/v1/products?limit=500").json()["results"]}
    active = client.get(f"/api/v1/products/{catalog.pump.pk}").status_code
    retired = client.get(f"/api/v1/products/{catalog.retired.pk}").status_code
    price_list = client.get(f"/api/v1/price-lists/{catalog.default_list.pk}").status_code
    group_list = client.get(f"/api/v1/price-lists/{catalog.vip_list.pk}").status_code
    patched = client.patch(
        f"/api/v1/products/{catalog.pump.pk}", json.dumps({"name": "hijacked"}), content_type="application/json"
    ).status_code

    assert ("P-100" in listed, "R-300" in listed) == (sees_active, sees_inactive)
    assert active == (200 if sees_active else 404)
    assert retired == (200 if sees_inactive else 404)
    assert price_list == (200 if sees_active else 404)
    # Another group's prices: a dealer (whose account is not in the group) does not see them
    assert group_list == (200 if sees_active and role != Role.DEALER else 404)
    if role == Role.ADMIN:
        assert patched == 200
    else:
        assert patched == (403 if sees_active else 404)
        catalog.pump.refresh_from_db()
        assert snapshot(catalog.pump) == before


@pytest.mark.parametrize("role", [role for role in Role.values if role != Role.ADMIN])
def test_pages_scope_matrix(org, catalog, client_for, role):
    client = client_for(org.a.user(role))
    sees_active, sees_inactive = expected(role)

    listed = {product.sku for product in client.get(reverse("catalog:product_list")).context["page"]}
    active = client.get(reverse("catalog:product_detail", args=[catalog.pump.pk])).status_code
    retired = client.get(reverse("catalog:product_detail", args=[catalog.retired.pk])).status_code
    edit = client.get(reverse("catalog:product_edit", args=[catalog.pump.pk])).status_code

    assert ("P-100" in listed, "R-300" in listed) == (sees_active, sees_inactive)
    assert (active, retired) == (200 if sees_active else 404, 200 if sees_inactive else 404)
    assert edit == (403 if sees_active else 404)  # scope first: an invisible product stays invisible
