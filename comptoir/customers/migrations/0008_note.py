"""Notes on a customer's card leave activities for customers, who write and read them: the model moves
in Django's state only. The table (`activities_note`) stays as it is, so no row moves; the content
type is renamed, so what points at it (admin permissions, the admin's log) follows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _rename_content_type(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    # A fresh database has no content type yet (they are made after migrate): nothing to rename.
    if not ContentType.objects.using(db).filter(app_label=new, model="note").exists():
        ContentType.objects.using(db).filter(app_label=old, model="note").update(app_label=new)


def forwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "activities", "customers")


def backwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "customers", "activities")


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0003_note_customer"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0007_customer_unsubscribed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Note",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("body", models.TextField(max_length=10000, verbose_name="note")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="date")),
                        ("author", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                     related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("customer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                       related_name="notes", to="customers.customer")),
                    ],
                    options={
                        "verbose_name": "note",
                        "verbose_name_plural": "notes",
                        "db_table": "activities_note",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
