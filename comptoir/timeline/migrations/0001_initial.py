"""The timeline leaves activities for an app of its own: the model moves in Django's state only.

The table (`activities_timelineevent`) and its indexes stay as they are, so no row moves; the content
type is renamed, so what points at it (admin permissions, the admin's log) follows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _rename_content_type(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    # A fresh database has no content type yet (they are made after migrate): nothing to rename.
    if not ContentType.objects.using(db).filter(app_label=new, model="timelineevent").exists():
        ContentType.objects.using(db).filter(app_label=old, model="timelineevent").update(app_label=new)


def forwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "activities", "timeline")


def backwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "timeline", "activities")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("activities", "0007_timelineevent_timeline_actor_idx"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TimelineEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("subject_id", models.BigIntegerField()),
                        ("verb", models.SlugField(max_length=60, verbose_name="action")),
                        ("data", models.JSONField(blank=True, default=dict, verbose_name="détails")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="date")),
                        ("actor", models.ForeignKey(blank=True, null=True,
                                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                                    to=settings.AUTH_USER_MODEL)),
                        ("subject_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                           related_name="+", to="contenttypes.contenttype")),
                    ],
                    options={
                        "verbose_name": "événement",
                        "verbose_name_plural": "historique",
                        "db_table": "activities_timelineevent",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["subject_type", "subject_id", "-created_at"],
                                         name="timeline_subject_idx"),
                            models.Index(fields=["actor", "-created_at"], name="timeline_actor_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
