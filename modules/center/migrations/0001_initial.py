# SystemSettings moves from `audit` to `center` without touching its table: the state is created here
# and deleted from audit (audit.0004); the rows stay in audit_systemsettings.

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("audit", "0003_auditlog_append_only_trigger")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SystemSettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("center_name", models.CharField(default="Markaz", max_length=120)),
                        ("time_zone", models.CharField(default="Asia/Tashkent", max_length=64)),
                        ("currency", models.CharField(default="UZS", max_length=3)),
                        ("billing_due_day", models.PositiveSmallIntegerField(default=5)),
                        ("attendance_edit_window_days", models.PositiveSmallIntegerField(default=3)),
                        ("generation_horizon_weeks", models.PositiveSmallIntegerField(default=4)),
                        ("consecutive_absence_threshold", models.PositiveSmallIntegerField(default=3)),
                        ("quiet_hours_start", models.TimeField(default=datetime.time(22, 0))),
                        ("quiet_hours_end", models.TimeField(default=datetime.time(8, 0))),
                        ("max_upload_mb", models.PositiveIntegerField(default=50)),
                        ("audio_max_seconds", models.PositiveIntegerField(default=600)),
                        ("homework_resubmission_allowed", models.BooleanField(default=True)),
                        ("payme_ip_allowlist_enabled", models.BooleanField(default=False)),
                        ("coin_rules", models.JSONField(default=dict)),
                        ("notification_defaults", models.JSONField(default=dict)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "system settings",
                        "verbose_name_plural": "system settings",
                        "db_table": "audit_systemsettings",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
