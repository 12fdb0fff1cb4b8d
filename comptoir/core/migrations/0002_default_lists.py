"""The default lists a fresh database holds, in French, English and Polish (API.md)."""

from django.db import migrations

MEDIA = [
    ("in_store", "En magasin", "In store", "W salonie"),
    ("phone", "Téléphone", "Phone", "Telefon"),
    ("web_form", "Formulaire web", "Web form", "Formularz WWW"),
    ("email", "Courriel", "Email", "E-mail"),
    ("event", "Événement", "Event", "Wydarzenie"),
    ("import", "Importation", "Import", "Import"),
]
LOST_REASONS = [
    ("price", "Prix", "Price", "Cena"),
    ("financing_refused", "Financement refusé", "Financing refused", "Odmowa finansowania"),
    ("bought_elsewhere", "Acheté ailleurs", "Bought elsewhere", "Kupił gdzie indziej"),
    ("no_news", "Sans nouvelles", "No response", "Brak kontaktu"),
    ("not_interested", "Pas intéressé", "Not interested", "Brak zainteresowania"),
    ("other", "Autre", "Other", "Inne"),
]
TASK_TYPES = [
    ("call", "Appel", "Call", "Telefon"),
    ("email", "Courriel", "Email", "E-mail"),
    ("sms", "Texto", "SMS", "SMS"),
    ("meeting", "Rendez-vous", "Meeting", "Spotkanie"),
    ("store_visit", "Visite en magasin", "Store visit", "Wizyta w salonie"),
    ("todo", "À faire", "To-do", "Do zrobienia"),
]
SOURCES = [
    ("website", "Site web", "Website", "Strona WWW"),
    ("referral", "Référence", "Referral", "Polecenie"),
    ("trade_show", "Salon", "Trade show", "Targi"),
    ("social_media", "Réseaux sociaux", "Social media", "Media społecznościowe"),
    ("advertising", "Publicité", "Advertising", "Reklama"),
    ("existing_customer", "Client existant", "Existing customer", "Obecny klient"),
]
LISTS = {"Media": MEDIA, "LostReason": LOST_REASONS, "TaskType": TASK_TYPES, "Source": SOURCES}


def create(apps, schema_editor):
    for model_name, rows in LISTS.items():
        model = apps.get_model("core", model_name)
        for position, (code, name, name_en, name_pl) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "name_pl": name_pl, "position": position}
            )
    apps.get_model("core", "SiteSettings").objects.get_or_create(pk=1)


def remove(apps, schema_editor):
    for model_name, rows in LISTS.items():
        apps.get_model("core", model_name).objects.filter(code__in=[row[0] for row in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
