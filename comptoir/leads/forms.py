"""The lead pages' forms: they only parse; leads.services checks the rules and says what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.selectors import users_assignable
from comptoir.core.models import Media, Source
from comptoir.leads.models import Lead, LeadStatus
from comptoir.leads.selectors import NOBODY
from comptoir.sales.models import Pipeline

PHONE_ROWS = 2
TEXT_FIELDS = ("first_name", "last_name", "company", "email", "address_line1", "city", "province", "postal_code",
               "notes")


def _source_field() -> forms.ModelChoiceField:
    # DESIGN: a lead entered by hand says where it comes from; the web form and imports set theirs.
    return forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.filter(active=True).order_by("name"),
                                  empty_label=_("Choisir…"),
                                  error_messages={"required": _("Indiquez la source de la piste.")})


class LeadForm(forms.Form):
    """A lead entered or edited by a person: the quick entry of the list page and the edit page."""

    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    company = forms.CharField(label=_("Entreprise"), max_length=200, required=False)
    email = forms.CharField(label=_("Courriel"), max_length=254, required=False)
    address_line1 = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=20, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    media = forms.ModelChoiceField(label=_("Média"), queryset=Media.objects.filter(active=True).order_by("name"),
                                   required=False, empty_label=_("Selon le canal"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = _source_field()
        for i in range(PHONE_ROWS):
            self.fields[f"phone_{i}"] = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
        self.fields["source"].label_from_instance = lambda item: item.label
        self.fields["media"].label_from_instance = lambda item: item.label
        self.order_fields(["first_name", "last_name", "company", "email", "phone_0", "phone_1", "source", "media",
                           "address_line1", "city", "province", "postal_code", "notes"])

    @classmethod
    def for_lead(cls, lead: Lead) -> "LeadForm":
        initial = {name: getattr(lead, name) for name in TEXT_FIELDS if name != "email"}
        initial.update(email=lead.email if lead.email_status != "placeholder" else "", source=lead.source_id,
                       media=lead.media_id, version=lead.version)
        for i, phone in enumerate(lead.phones[:PHONE_ROWS]):
            extension = phone.get("extension")
            initial[f"phone_{i}"] = f"{phone['number']} ext. {extension}" if extension else phone["number"]
        return cls(initial=initial)

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["phones"] = [{"number": number} for i in range(PHONE_ROWS) if (number := data.pop(f"phone_{i}").strip())]
        data["source"] = data["source"].pk
        data["media"] = data["media"].pk if data["media"] else None
        return data

    def add_service_error(self, error) -> None:
        """Show a service's refusal on the field it names (phones.1.number → the second phone)."""
        field = error.field or None
        if field and field.startswith("phones."):
            field = f"phone_{field.split('.')[1]}"
        self.add_error(field if field in self.fields else None, str(error.message))


class LeadFilters(forms.Form):
    """The list's filters, from the URL: a value that does not parse is dropped, never a 500."""

    q = forms.CharField(max_length=100, required=False)
    status = forms.ChoiceField(choices=[("", "")] + list(LeadStatus.choices), required=False)
    owner = forms.CharField(max_length=12, required=False)
    source = forms.ModelChoiceField(queryset=Source.objects.all(), required=False)
    next_from = forms.DateField(required=False)
    next_to = forms.DateField(required=False)

    def values(self) -> dict:
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        owner = (data.get("owner") or "").strip()
        data["owner"] = NOBODY if owner == NOBODY else int(owner) if owner.isdigit() and len(owner) < 10 else None
        data["source"] = data["source"].pk if data.get("source") else None
        data["status"] = data.get("status") or None
        return data


NEW_CUSTOMER = "new"


class ConvertForm(forms.Form):
    """Converting on the card: the customer (a new one, or the sure duplicate picked) and, when asked,
    the opportunity (DESIGN: leads)."""

    # A sure duplicate's id to link it, or NEW_CUSTOMER once the user chose a new record anyway.
    customer = forms.CharField(required=False, max_length=12)
    with_opportunity = forms.BooleanField(label=_("Créer aussi une opportunité"), required=False, initial=True)
    pipeline = forms.ModelChoiceField(label=_("Processus de vente"), required=False,
                                      queryset=Pipeline.objects.filter(active=True).order_by("pk"))
    product = forms.CharField(label=_("Produit"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unité (no de stock ou NIV)"), max_length=64, required=False)
    amount = forms.DecimalField(label=_("Montant"), max_digits=14, decimal_places=2, min_value=0, required=False)
    salesperson = forms.ModelChoiceField(label=_("Vendeur"), required=False, queryset=users_assignable())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].label_from_instance = lambda person: person.display_name

    def service_values(self) -> dict:
        data = self.cleaned_data
        choice = data["customer"].strip()
        values = {"customer": int(choice) if choice.isdigit() and len(choice) < 10 else None,
                  "create_anyway": choice == NEW_CUSTOMER}
        if data["with_opportunity"] and data["pipeline"] is not None:
            values["create_opportunity"] = {
                "pipeline": data["pipeline"].pk, "product": data["product"].strip(),
                "unit": data["unit"].strip() or None, "amount": data["amount"],
                "salesperson": data["salesperson"].pk if data["salesperson"] else None}
        return values
