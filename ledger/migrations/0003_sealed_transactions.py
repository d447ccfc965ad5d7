from django.db import migrations, models

from ledger.sql import seal, unseal


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_database_guarantees")]

    operations = [
        # Nullable, no default: SQLite adds the column in place (its triggers stay).
        migrations.AddField(
            model_name="transaction",
            name="created_txid",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(seal, unseal),
    ]
