"""The customer list as a file (DESIGN: every figure on screen can be exported): the filtered list as CSV
or as an Excel workbook through the one export layer (core.exports: the reader's language, « ; » and a
decimal comma where the language takes one, ISO dates, numbers and dates a spreadsheet can count), read
chunk by chunk so a million customers never sit in memory. The page and the API both answer through here."""

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.core.exports import BOOLEAN, DATETIME, INTEGER, Column, export_response
from comptoir.customers.models import EmailStatus

COLUMNS = (
    Column("id", _("No client"), INTEGER, width=10),
    Column("first_name", _("Prénom")),
    Column("last_name", _("Nom")),
    Column("company", _("Entreprise")),
    Column("email", _("Courriel"), width=32),
    Column("email_status", _("État du courriel")),
    Column("phones", _("Téléphones"), width=30),
    Column("address", _("Adresse"), width=30),
    Column("city", _("Ville")),
    Column("province", _("Province")),
    Column("postal_code", _("Code postal")),
    Column("source", _("Source")),
    Column("media", _("Média")),
    Column("tags", _("Étiquettes"), width=24),
    Column("salesperson", _("Vendeur")),
    Column("unsubscribed", _("Désabonné"), BOOLEAN),
    Column("external_id", _("No DMS")),
    Column("created_at", _("Créé le"), DATETIME, width=18),
)


def _values(rows):
    """Each exported row (customers.selectors.customer_export_rows) as the file shows it; the placeholder
    address is no address (DESIGN). The statuses are named in the language the file is written in."""
    statuses = {value: capfirst(str(label)) for value, label in EmailStatus.choices}
    for row in rows:
        yield {
            **row,
            "email": "" if row["email_status"] == EmailStatus.PLACEHOLDER else row["email"],
            "email_status": statuses.get(row["email_status"], row["email_status"]),
            "phones": " / ".join(row["phones"]),
            "address": " ".join(part for part in (row["address_line1"], row["address_line2"]) if part),
            "tags": ", ".join(row["tags"]),
        }


def customers_csv(rows, *, filename: str):
    """The rows as CSV in the language of the request, sent as written."""
    return export_response(translation.get_language(), filename, COLUMNS, _values(rows), "csv")


def customers_xlsx(rows, *, filename: str):
    """The rows as an Excel workbook: numbers as numbers, dates as dates, text as text."""
    return export_response(translation.get_language(), filename, COLUMNS, _values(rows), "xlsx",
                           title=gettext("Clients"))
