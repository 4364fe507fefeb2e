"""Start the standard cost history with every existing product's cost, valid from the product's creation."""

from django.db import migrations


def backfill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    StandardCost = apps.get_model("costs", "StandardCost")
    StandardCost.objects.bulk_create(
        [
            StandardCost(product_id=pk, cost=cost, valid_from=created_at)
            for pk, cost, created_at in Product.objects.values_list("pk", "standard_cost", "created_at").iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("costs", "0001_initial"), ("catalog", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
