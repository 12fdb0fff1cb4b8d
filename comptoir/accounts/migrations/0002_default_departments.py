"""DESIGN (users): a user can be assigned to an opportunity only if they belong to a department."""

from django.db import migrations

DEPARTMENTS = [
    ("sales", "Ventes", "Sales", "Sprzedaż"),
    ("fi", "Financement et assurances (F&I)", "Finance and insurance (F&I)", "Finansowanie i ubezpieczenia"),
    ("service", "Service", "Service", "Serwis"),
    ("parts", "Pièces", "Parts", "Części"),
]


def create(apps, schema_editor):
    department = apps.get_model("accounts", "Department")
    for position, (code, name, name_en, name_pl) in enumerate(DEPARTMENTS, start=1):
        department.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "name_pl": name_pl, "position": position}
        )


def remove(apps, schema_editor):
    apps.get_model("accounts", "Department").objects.filter(code__in=[d[0] for d in DEPARTMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
