"""What each kind of import can fill, how a column header is recognised (French and English), and
how a row's cells become the keyword arguments of the app's service."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.text import normalize

IGNORE = ""
DETAILS = "details"  # customers: kept in the record's other details under the column's name

_PERSON = {
    "first_name": (_("Prénom"), ["prenom", "first name", "firstname", "given name", "prenom du client"]),
    "last_name": (pgettext_lazy("nom de famille", "Nom"), ["nom", "nom de famille", "last name", "lastname", "surname", "family name"]),
    "full_name": (_("Nom complet (prénom nom)"), ["nom complet", "full name", "name", "client", "customer",
                                                   "contact", "customer name", "nom du client"]),
    "company": (_("Entreprise"), ["entreprise", "compagnie", "societe", "company", "account", "organisation",
                                  "organization", "raison sociale", "compte"]),
    "email": (_("Courriel"), ["courriel", "email", "e mail", "adresse courriel", "mail", "adresse electronique",
                              "email address"]),
    "phone_mobile": (_("Cellulaire"), ["cellulaire", "cell", "mobile", "telephone", "phone", "tel",
                                       "mobile phone", "numero de telephone", "phone number"]),
    "phone_home": (_("Téléphone maison"), ["telephone maison", "maison", "home phone", "home", "tel maison"]),
    "phone_work": (_("Téléphone travail"), ["telephone travail", "travail", "bureau", "work phone", "work",
                                            "office phone", "tel bureau"]),
    "address_line1": (_("Adresse"), ["adresse", "address", "rue", "street", "address line 1", "adresse 1"]),
    "address_line2": (_("Adresse (suite)"), ["adresse 2", "address line 2", "address 2", "app", "suite"]),
    "city": (_("Ville"), ["ville", "city", "municipalite", "town"]),
    "province": (_("Province"), ["province", "state", "etat", "prov"]),
    "postal_code": (_("Code postal"), ["code postal", "postal code", "zip", "zip code", "cp", "postcode"]),
    "country": (_("Pays"), ["pays", "country"]),
    "industry": (_("Secteur"), ["secteur", "industry", "sector", "industrie", "secteur d activite"]),
    "market_segment": (_("Segment de marché"), ["segment", "segment de marche", "market segment"]),
    "territory": (_("Territoire"), ["territoire", "territory", "region"]),
    "website": (_("Site web"), ["site web", "website", "site", "url", "web"]),
    "source": (_("Source"), ["source", "provenance", "campagne", "campaign"]),
}

FIELDS = {
    "customers": {
        **_PERSON,
        "external_id": (_("No DMS"), ["no dms", "dms", "external id", "id dms", "numero client", "no client",
                                      "customer id", "customer number", "id"]),
        "tags": (_("Étiquettes (séparées par des virgules)"), ["etiquettes", "tags", "labels", "etiquette"]),
        "salesperson": (_("Vendeur"), ["vendeur", "vendeuse", "salesperson", "sales agent", "representant",
                                       "sales rep", "owner", "conseiller"]),
        DETAILS: (_("Autres renseignements"), []),
    },
    "leads": {
        **_PERSON,
        "external_id": (_("No externe"), ["external id", "id", "no", "numero"]),
        "owner": (_("Responsable"), ["responsable", "owner", "vendeur", "salesperson", "sales agent"]),
        "status": (_("Statut"), ["statut", "status", "etat"]),
        "notes": (_("Notes"), ["notes", "note", "commentaires", "comments"]),
        "next_contact_at": (_("Prochain contact"), ["prochain contact", "next contact", "relance", "follow up"]),
    },
    "opportunities": {
        "external_id": (_("No externe"), ["opportunity id", "no externe", "external id", "deal id", "id",
                                          "no opportunite"]),
        "customer": (_("Client (no, no DMS ou nom)"), ["client", "customer", "account", "compte", "entreprise",
                                                        "company", "no client", "customer id"]),
        "pipeline": (_("Processus de vente"), ["processus", "processus de vente", "pipeline"]),
        "stage": (_("Étape"), ["etape", "stage", "deal stage"]),
        "status": (_("Statut"), ["statut", "status", "etat", "resultat", "outcome"]),
        "amount": (_("Montant"), ["montant", "amount", "close value", "valeur", "value", "prix", "price"]),
        "cost": (_("Coût"), ["cout", "cost", "prix coutant"]),
        "currency": (_("Devise"), ["devise", "currency"]),
        "salesperson": (_("Vendeur"), ["vendeur", "salesperson", "sales agent", "representant", "owner"]),
        "product": (_("Produit"), ["produit", "product", "modele", "model", "vehicule"]),
        "source": (_("Source"), ["source", "campagne", "campaign"]),
        "media": (_("Média"), ["media", "canal", "channel"]),
        "location": (_("Succursale"), ["succursale", "location", "magasin", "regional office", "office"]),
        "lost_reason": (_("Raison de perte"), ["raison de perte", "lost reason", "raison", "reason"]),
        "created_at": (_("Date de création"), ["date de creation", "created", "created at", "engage date",
                                               "date d ouverture", "creation"]),
        "closed_at": (_("Date de fermeture"), ["date de fermeture", "close date", "closed", "closed at",
                                               "date de vente", "sale date"]),
    },
    "products": {
        "code": (_("Code"), ["code", "sku", "no produit", "product code", "item", "numero"]),
        "name": (_("Nom"), ["nom", "name", "produit", "product", "description"]),
        "name_en": (_("Nom (anglais)"), ["nom anglais", "english name", "name en"]),
        "series": (_("Série / marque"), ["serie", "series", "marque", "brand", "gamme"]),
        "unit_price": (_("Prix unitaire"), ["prix", "prix unitaire", "price", "unit price", "sales price",
                                            "prix de vente", "pdsf", "msrp"]),
        "unit_cost": (_("Coût unitaire"), ["cout", "cout unitaire", "cost", "unit cost", "prix coutant"]),
        "tax_class": (_("Classe de taxe"), ["taxe", "tax", "tax class", "classe de taxe"]),
    },
    "inventory": {
        "serial": (_("NIV / no de série"), ["niv", "vin", "serial", "no de serie", "numero de serie", "serial number",
                                            "no serie", "hull", "hin"]),
        "stock_number": (_("No de stock"), ["no de stock", "stock", "stock number", "stock no", "stock #",
                                            "no inventaire", "numero d inventaire"]),
        "external_id": (_("No DMS"), ["no dms", "dms", "dms id", "unit id", "id", "external id"]),
        "year": (_("Année"), ["annee", "year", "model year", "an"]),
        "make": (_("Marque"), ["marque", "make", "manufacturer", "fabricant", "brand"]),
        "model": (_("Modèle"), ["modele", "model"]),
        "trim": (_("Version"), ["version", "trim", "finition", "edition"]),
        "colour": (_("Couleur"), ["couleur", "colour", "color", "exterior color"]),
        # « État » in a Québec DMS export is new or used; where a unit stands in the sale is its « Statut ».
        "condition": (_("Neuf ou d'occasion"), ["neuf usage", "neuf usagee", "neuf ou usage", "neuf occasion",
                                                "n u", "new used", "condition", "etat", "etat du vehicule",
                                                "vehicle condition", "stan"]),
        "odometer_km": (_("Odomètre (km)"), ["odometre", "odometer", "kilometrage", "km", "kms", "mileage",
                                             "odometre km", "odometer km", "kilometrage km", "kilometres",
                                             "kilometers", "przebieg"]),
        "status": (_("Statut"), ["statut", "status", "etat du stock", "stock status", "disponibilite"]),
        "cost": (_("Coût"), ["cout", "cost", "prix coutant", "invoice"]),
        "price": (_("Prix affiché"), ["prix", "prix affiche", "price", "msrp", "pdsf", "selling price"]),
        "lot_location": (_("Emplacement"), ["emplacement", "lot", "location", "lot location", "rangee"]),
    },
    # Issue 26: one row per program and term; the program's columns repeat on each of its terms' rows.
    "lender_programs": {
        "lender": (_("Prêteur"), ["preteur", "lender", "institution", "banque", "bank", "kredytodawca"]),
        "name": (_("Programme"), ["programme", "program", "nom du programme", "program name", "name", "nom"]),
        "kind": (_("Financement ou location"), ["type", "kind", "financement ou location", "finance or lease",
                                                "produit", "product"]),
        "condition": (_("Neuf ou d'occasion"), ["neuf ou occasion", "neuf usage", "condition", "new used", "etat"]),
        "makes": (_("Marques"), ["marques", "marque", "makes", "make", "brands", "brand"]),
        "year_from": (_("Années modèles, de"), ["annee de", "annees de", "year from", "from year", "annee min",
                                                "min year"]),
        "year_to": (_("Années modèles, à"), ["annee a", "annees a", "year to", "to year", "annee max", "max year"]),
        "valid_from": (_("Valide du"), ["valide du", "debut", "valid from", "start", "start date", "du"]),
        "valid_to": (_("Valide jusqu'au"), ["valide jusqu au", "fin", "valid to", "end", "end date", "expiry",
                                            "au"]),
        "excess_km_charge": (_("Frais par km excédentaire"), ["frais par km excedentaire", "km excedentaire",
                                                              "excess km", "excess km charge", "excess mileage"]),
        "term": (_("Terme (mois)"), ["terme", "term", "terme mois", "months", "mois", "duree"]),
        "apr": (_("Taux annuel %"), ["taux", "taux annuel", "apr", "rate", "interest rate", "taux %"]),
        "residual_12000": (_("Résiduel % à 12 000 km"), ["residuel 12000", "residual 12000", "12000 km", "12 000 km"]),
        "residual_16000": (_("Résiduel % à 16 000 km"), ["residuel 16000", "residual 16000", "16000 km", "16 000 km"]),
        "residual_20000": (_("Résiduel % à 20 000 km"), ["residuel 20000", "residual 20000", "20000 km", "20 000 km"]),
        "residual_24000": (_("Résiduel % à 24 000 km"), ["residuel 24000", "residual 24000", "24000 km", "24 000 km"]),
    },
    "users": {
        "username": (_("Identifiant"), ["identifiant", "username", "login", "utilisateur", "user"]),
        "first_name": _PERSON["first_name"],
        "last_name": _PERSON["last_name"],
        "full_name": (_("Nom complet (prénom nom)"), ["nom complet", "full name", "name", "sales agent",
                                                       "vendeur", "agent"]),
        "email": _PERSON["email"],
        "role": (_("Rôle"), ["role", "fonction", "poste"]),
        "department": (_("Département"), ["departement", "department", "service"]),
        "location": (_("Succursale"), ["succursale", "location", "magasin", "regional office", "office"]),
        "manager": (_("Directeur"), ["directeur", "manager", "gestionnaire", "superieur"]),
    },
}

# A kind's record needs one of these columns mapped.
REQUIRED_ONE_OF = {
    "customers": ("first_name", "last_name", "full_name", "company"),
    "leads": ("first_name", "last_name", "full_name", "company"),
    "opportunities": ("customer",),
    "products": ("name",),
    "users": ("username", "full_name", "email"),
    "inventory": ("serial", "external_id"),
    "lender_programs": ("term",),
}


def field_choices(kind: str) -> list[tuple[str, str]]:
    return [(IGNORE, _("— ne pas importer —"))] + [(name, label) for name, (label, _s) in FIELDS[kind].items()]


def _key(text: str) -> str:
    return normalize(text)


def guess_mapping(kind: str, header: list[str]) -> dict[str, str]:
    """Column → field from the header's words, French or English, accents and case ignored; each
    field taken once, by the first column that names it; other columns are left out."""
    synonyms = {}
    for name, (label, words) in FIELDS[kind].items():
        for word in [name.replace("_", " "), str(label), *words]:
            synonyms.setdefault(_key(word), name)
    mapping, taken = {}, set()
    for column in header:
        field = synonyms.get(_key(column), IGNORE)
        if field in taken:
            field = IGNORE
        if field:
            taken.add(field)
        mapping[column] = field
    return mapping


def split_full_name(text: str) -> tuple[str, str]:
    first, _space, last = (text or "").strip().partition(" ")
    return first, last.strip()


def row_values(kind: str, mapping: dict[str, str], header: list[str], cells: list[str]) -> dict:
    """A row's cells as the service's keyword arguments."""
    values: dict = {}
    details: dict = {}
    phones = []
    for column, cell in zip(header, cells):
        field = mapping.get(column, IGNORE)
        if not field or not cell:
            continue  # an empty cell says nothing: no value on a new record, no change on an update
        if field == DETAILS:
            details[column] = cell
        elif field.startswith("phone_"):
            phones.append({"kind": field.removeprefix("phone_"), "number": cell})
        elif field == "full_name":
            if not values.get("first_name") and not values.get("last_name"):
                values["first_name"], values["last_name"] = split_full_name(cell)
        elif field == "tags":
            values["tags"] = [t.strip() for t in cell.replace(";", ",").split(",") if t.strip()]
        else:
            values[field] = cell
    if kind in ("customers", "leads"):
        values["phones"] = phones
    if kind == "customers" and details:
        values["details"] = details
    return values
