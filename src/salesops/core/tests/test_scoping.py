"""The scoping registry fails closed."""

import pytest

from salesops.core.models import CustomFieldDefinition
from salesops.core.scoping import for_user, registered_models
from salesops.customers.models import Customer


def test_a_model_without_a_scoping_function_cannot_be_listed(org):
    with pytest.raises(LookupError):
        for_user(CustomFieldDefinition.objects.all(), org.admin)


def test_scopes_are_registered_at_start_up():
    assert Customer in registered_models()


def test_anonymous_users_see_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    assert list(for_user(Customer.objects.all(), AnonymousUser())) == []
