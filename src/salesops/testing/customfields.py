"""Custom field definitions used across tests."""

from salesops.core.models import CustomFieldDefinition


def define_customer_fields():
    tier = CustomFieldDefinition.objects.create(
        model="customers.customer",
        name="tier",
        label="客户等级",
        label_en="Tier",
        field_type="choice",
        choices=["A", "B", "C"],
        is_required=True,
    )
    employees = CustomFieldDefinition.objects.create(
        model="customers.customer",
        name="employees",
        label="员工人数",
        label_en="Employees",
        field_type="number",
        min_value=1,
        max_value=1_000_000,
    )
    since = CustomFieldDefinition.objects.create(
        model="customers.customer",
        name="customer_since",
        label="合作起始日",
        label_en="Customer since",
        field_type="date",
    )
    return tier, employees, since
