# SystemSettings now belongs to the center app (center.0001 took over the table as it is).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditlog_append_only_trigger"), ("center", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SystemSettings")],
            database_operations=[],
        ),
    ]
