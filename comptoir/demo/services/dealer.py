"""The dealership before its history: its identity, two stores, its people, its lists, its three
sales processes, its catalogue and its message templates, each through the admin's services."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from comptoir.accounts.models import Department, Location, Role, User
from comptoir.accounts.services import user_create, username_from_name
from comptoir.catalog.services import product_create
from comptoir.core.models import Competitor, LostReason, Source, Tag
from comptoir.core.services import reference_item_create, site_settings_update
from comptoir.demo.services import data
from comptoir.desk.services import item_save, program_save
from comptoir.messaging.services import template_create
from comptoir.sales.services import pipeline_create

DEMO_PASSWORD = "comptoir-demo"
DEMO_ADMIN = "admin"
DEMO_RECEPTION = "accueil"


@dataclass
class Dealer:
    admin: User
    reception: User
    finance: User
    managers: dict[str, User]  # by location code
    sellers: list[User]  # in data.SELLERS' order
    locations: dict[str, Location]
    pipelines: dict = field(default_factory=dict)  # data.NEW / USED / SERVICE → Pipeline
    templates: dict = field(default_factory=dict)  # name → MessageTemplate (fr-ca)


def staff_email(first_name: str, last_name: str) -> str:
    return f"{username_from_name(f'{first_name} {last_name}')}@{data.STAFF_DOMAIN}"


def dealer_create() -> Dealer:
    """The admin (the owner), the settings' identity of the dealer, the stores and the team."""
    first, last = data.ADMIN_NAME
    admin = User.objects.create_superuser(DEMO_ADMIN, f"{DEMO_ADMIN}@{data.STAFF_DOMAIN}", DEMO_PASSWORD,
                                          first_name=first, last_name=last)
    site_settings_update(actor=admin, **data.DEALER)
    locations = {}
    for position, (code, name, name_en, name_pl, address, city, postal_code, phone) in enumerate(data.LOCATIONS, 1):
        locations[code] = reference_item_create(
            actor=admin, model=Location, code=code, name=name, name_en=name_en, name_pl=name_pl, position=position,
            address=address, city=city, province="QC", postal_code=postal_code, phone=phone)
    departments = {d.code: d.pk for d in Department.objects.all()}

    def person(first_name, last_name, location, role, department, manager=None, username=None):
        return user_create(actor=admin, username=username or username_from_name(f"{first_name} {last_name}"),
                           password=None, first_name=first_name, last_name=last_name,
                           email=staff_email(first_name, last_name), role=role, department=departments[department],
                           location=locations[location].pk, manager=manager.pk if manager else None)

    managers = {location: person(first_name, last_name, location, Role.SALES_MANAGER, "sales")
                for first_name, last_name, location in data.MANAGERS}
    sellers = [person(s.first_name, s.last_name, s.location, Role.SALESPERSON, "sales", manager=managers[s.location])
               for s in data.SELLERS]
    first_name, last_name, location = data.FINANCE
    finance = person(first_name, last_name, location, Role.SALESPERSON, "fi", manager=managers[location])
    first_name, last_name, location = data.RECEPTION
    reception = user_create(actor=admin, username=DEMO_RECEPTION, password=None, first_name=first_name,
                            last_name=last_name, email=staff_email(first_name, last_name), role=Role.RECEPTION,
                            location=locations[location].pk)
    # One hash for every demo account: hashing each password apart costs a third of a second.
    User.objects.exclude(pk=admin.pk).update(password=make_password(DEMO_PASSWORD))
    # The dealer's name and address close every email already (its footer): a signature is the person.
    titles = {**{m.pk: "Directeur des ventes" for m in managers.values()}, finance.pk: "Directeur commercial (F et A)"}
    for user in (*managers.values(), *sellers, finance):
        user.signature = f"{user.get_full_name()}\n{titles.get(user.pk, 'Conseiller aux ventes')} · " \
                         f"{user.location.name}\n{user.location.phone}"
    User.objects.bulk_update([*managers.values(), *sellers, finance], ["signature"])
    return Dealer(admin=admin, reception=reception, finance=finance, managers=managers, sellers=sellers,
                  locations=locations)


def lists_create(dealer: Dealer) -> None:
    """The sources, lost reasons, competitors and tags a dealership adds to the default lists."""
    admin = dealer.admin
    for model, rows in ((Source, data.SOURCES_ADDED), (LostReason, data.LOST_REASONS_ADDED),
                        (Competitor, data.COMPETITORS), (Tag, data.TAGS)):
        start = model.objects.count()
        for position, (code, name, name_en, name_pl) in enumerate(rows, start + 1):
            if not model.objects.filter(code=code).exists():
                reference_item_create(actor=admin, model=model, code=code, name=name, name_en=name_en,
                                      name_pl=name_pl, position=position)


def pipelines_create(dealer: Dealer) -> None:
    for key, (name, requires_quote, stages) in data.PIPELINES.items():
        dealer.pipelines[key] = pipeline_create(actor=dealer.admin, name=name, prefix=key, stages=stages,
                                                requires_quote=requires_quote)


def catalogue_create(dealer: Dealer) -> int:
    """Models sold new, accessories, fees, F&I products and the workshop's jobs, with their costs."""
    admin, count = dealer.admin, 0
    for model in data.MODELS:
        product_create(actor=admin, code=model.code, name=model.name, series=model.make, unit_price=model.price,
                       unit_cost=model.cost, tax_class="standard")
        count += 1
    for code, name, series, price, cost, _kinds in data.ACCESSORIES:
        product_create(actor=admin, code=code, name=name, series=series, unit_price=price, unit_cost=cost)
        count += 1
    for code, name, series, price, cost, tax_class in (*data.FEES, *data.WARRANTIES):
        product_create(actor=admin, code=code, name=name, series=series, unit_price=price, unit_cost=cost,
                       tax_class=tax_class)
        count += 1
    for code, name, price, cost, _kinds in data.SERVICES:
        product_create(actor=admin, code=code, name=name, series="Pièces et service", unit_price=price,
                       unit_cost=cost)
        count += 1
    return count


def desk_create(dealer: Dealer) -> int:
    """The desk's lists: fees (some by default in the new and used pipelines), F&I products, rebates, and
    the lenders' programs with their rates and lease residuals by term."""
    admin = dealer.admin
    for position, (kind, name, price, cost, taxable, after_tax, pipelines) in enumerate(data.DESK_ITEMS):
        item_save(actor=admin, values={"kind": kind, "name": name, "price": price, "cost": cost, "taxable": taxable,
                                       "after_tax": after_tax, "position": position},
                  pipelines=[dealer.pipelines[key].pk for key in pipelines])
    for lender, name, kind, condition, makes, terms, excess in data.LENDER_PROGRAMS:
        program_save(actor=admin, values={"lender": lender, "name": name, "kind": kind, "condition": condition,
                                          "makes": makes, "excess_km_charge": excess},
                     terms=[{"term": term, "apr": apr, **{f"residual_{km}": pct for km, pct in residuals.items()}}
                            for term, (apr, residuals) in terms.items()])
    return len(data.LENDER_PROGRAMS)


MESSAGE_TEMPLATES = [
    ("Relance après essai", "email", "fr-ca", "Votre {{ opportunity.product }}",
     "Bonjour {{ customer.first_name }},\n\nMerci d'être passé essayer le {{ opportunity.product }}. "
     "Avez-vous des questions ? Je peux vous préparer une soumission dès aujourd'hui.\n\n{{ salesperson.signature }}"),
    ("Relance après essai", "email", "en", "Your {{ opportunity.product }}",
     "Hello {{ customer.first_name }},\n\nThank you for test-driving the {{ opportunity.product }}. "
     "Any questions? I can prepare a quote for you today.\n\n{{ salesperson.signature }}"),
    ("Relance après essai", "email", "pl", "Twój {{ opportunity.product }}",
     "Dzień dobry {{ customer.first_name }},\n\ndziękujemy za jazdę próbną {{ opportunity.product }}. "
     "Czy ma Pan/Pani pytania? Mogę dziś przygotować ofertę.\n\n{{ salesperson.signature }}"),
    ("Suivi de votre demande", "email", "fr-ca", "Votre demande : {{ opportunity.product }}",
     "Bonjour {{ customer.first_name }},\n\nMerci de votre intérêt pour le {{ opportunity.product }}. "
     "Quand seriez-vous disponible pour venir le voir et l'essayer ?\n\n{{ salesperson.signature }}"),
    ("Nouvelles du client", "email", "fr-ca", "Des nouvelles de chez nous",
     "Bonjour {{ customer.first_name }},\n\nLes modèles de la nouvelle saison sont arrivés en salle de montre. "
     "Passez nous voir !\n\n{{ salesperson.signature }}"),
    ("Rappel de rendez-vous", "sms", "fr-ca", "",
     "{{ customer.first_name }}, c'est {{ salesperson.first_name }} de Laurentides Sports & Auto : "
     "on se voit bientôt ?"),
]


def templates_create(dealer: Dealer) -> int:
    """Follow-up templates in the three languages, and a text."""
    for name, channel, language, subject, body in MESSAGE_TEMPLATES:
        template = template_create(actor=dealer.admin, name=name, channel=channel, language=language,
                                   subject=subject, body=body)
        if language == "fr-ca":
            dealer.templates[name] = template
    return len(MESSAGE_TEMPLATES)
