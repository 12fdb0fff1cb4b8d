"""The customer form: it only parses; customers.services checks the rules and says what is wrong."""

from django import forms
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.selectors import users_assignable
from comptoir.core import permissions
from comptoir.core.models import Media, Source, Tag
from comptoir.core.text import is_small_id
from comptoir.customers.models import Customer, EmailStatus, PhoneKind
from comptoir.customers.selectors import NOBODY, CustomerFilters

PHONE_ROWS = 3  # at least; a customer with more phones gets a row for each, plus an empty one


class CustomerForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    company = forms.CharField(label=_("Entreprise"), max_length=200, required=False)
    email = forms.CharField(label=_("Courriel"), max_length=254, required=False)
    no_email = forms.BooleanField(label=_("Aucun courriel (le client n'en a vraiment pas)"), required=False)
    address_line1 = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=20, required=False)
    external_id = forms.CharField(label=_("No DMS"), max_length=64, required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.filter(active=True), required=False)
    tags = forms.ModelMultipleChoiceField(label=_("Étiquettes"), queryset=Tag.objects.filter(active=True),
                                          required=False)
    salesperson = forms.ModelChoiceField(label=_("Vendeur"), required=False, queryset=users_assignable())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, phone_rows: int = PHONE_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data:
            # As many rows as were posted: a row the form did not show must never drop a phone.
            posted = sum(1 for key in self.data if key.startswith("phone_number_"))
            phone_rows = max(phone_rows, posted)
        self.phone_row_count = phone_rows
        for i in range(phone_rows):
            self.fields[f"phone_kind_{i}"] = forms.ChoiceField(
                label=_("Type"), choices=PhoneKind.choices, required=False, initial=PhoneKind.MOBILE)
            self.fields[f"phone_number_{i}"] = forms.CharField(label=_("Téléphone"), max_length=40, required=False)

    @classmethod
    def for_customer(cls, customer: Customer) -> "CustomerForm":
        initial = {name: getattr(customer, name) for name in (
            "first_name", "last_name", "company", "address_line1", "city", "province", "postal_code",
            "external_id", "version")}
        initial.update(source=customer.source_id, salesperson=customer.salesperson_id,
                       tags=list(customer.tags.all()), no_email=customer.email_status == "placeholder",
                       email="" if customer.email_status == "placeholder" else customer.email)
        phones = list(customer.phones.all())
        for i, phone in enumerate(phones):
            # The extension back in the number, in a form every language's page reads again.
            number = f"{phone.number} ext. {phone.extension}" if phone.extension else phone.number
            initial[f"phone_kind_{i}"], initial[f"phone_number_{i}"] = phone.kind, number
        return cls(initial=initial, phone_rows=max(PHONE_ROWS, len(phones) + 1))

    def phone_rows(self):
        return [(self[f"phone_kind_{i}"], self[f"phone_number_{i}"]) for i in range(self.phone_row_count)]

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        phones = [{"kind": data.pop(f"phone_kind_{i}") or PhoneKind.MOBILE, "number": data.pop(f"phone_number_{i}")}
                  for i in range(self.phone_row_count)]
        data["phones"] = [p for p in phones if p["number"].strip()]
        data["source"] = data["source"].pk if data["source"] else None
        data["salesperson"] = data["salesperson"].pk if data["salesperson"] else None
        data["tags"] = [tag.pk for tag in data["tags"]]
        return data

    def add_service_error(self, error) -> None:
        """Show a service's refusal on the field it names (phones.1.number → the second phone)."""
        field = error.field or None
        if field and field.startswith("phones."):
            _prefix, index, part = (field.split(".") + ["number"])[:3]
            field = f"phone_{part}_{index}"
        if field not in self.fields:
            field = None
        self.add_error(field, str(error.message))


class CustomerFilterForm(forms.Form):
    """The customer list's filters, read from the URL (a GET form, so a link keeps them). A value that
    does not parse is dropped with its message beside the filter, never a 500; the rules are the
    selector's (customers.selectors.CustomerFilters)."""

    q = forms.CharField(max_length=100, required=False)
    salesperson = forms.CharField(label=_("Vendeur"), max_length=20, required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.order_by("position", "name"),
                                    required=False, empty_label=_("Toutes"))
    media = forms.ModelChoiceField(label=_("Média"), queryset=Media.objects.order_by("position", "name"),
                                   required=False, empty_label=_("Tous"))
    email_status = forms.ChoiceField(label=_("Courriel"), required=False,
                                     choices=[("", _("Tous"))] + [(value, capfirst(label))
                                                                  for value, label in EmailStatus.choices])
    created_from = forms.DateField(label=_("Créés du"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    created_to = forms.DateField(label=_("au"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    tags = forms.ModelMultipleChoiceField(label=_("Étiquettes"), queryset=Tag.objects.order_by("position", "name"),
                                          required=False, widget=forms.CheckboxSelectMultiple)
    unsubscribed = forms.ChoiceField(label=_("Désabonnés"), required=False, choices=[
        ("", _("Tous")), ("yes", _("Désabonnés seulement")), ("no", _("Abonnés seulement"))])

    def __init__(self, data=None, *, user, counts: dict | None = None):
        super().__init__(data)
        self.counts = counts
        self.fields["source"].label_from_instance = lambda item: item.label
        self.fields["media"].label_from_instance = lambda item: item.label
        self.fields["tags"].label_from_instance = lambda item: item.label
        people = [(person.pk, person.display_name) for person in users_assignable()] \
            if permissions.can_see_team(user) else []
        choices = [("", _("Tous"))]
        if permissions.has_capability(user, "work_own"):
            choices.append((str(user.pk), _("Mes clients")))
        choices.append((NOBODY, _("Sans vendeur")))
        choices += [(str(pk), name) for pk, name in people if pk != user.pk]
        self.salesperson_choices = choices
        if counts is not None:
            self._show_counts(counts)

    def _show_counts(self, counts: dict) -> None:
        """« Valide (1 234) » beside each value: how many the list would keep with it (selector's facets)."""
        def counted(label, n):
            return f"{label} ({formats.number_format(n or 0, force_grouping=True)})"

        statuses = counts.get("email_status", {})
        self.fields["email_status"].choices = [("", _("Tous"))] + [
            (value, counted(capfirst(label), statuses.get(value))) for value, label in EmailStatus.choices]
        for name in ("source", "media", "tags"):
            found = counts.get(name, {})
            self.fields[name].label_from_instance = lambda item, found=found: counted(item.label, found.get(item.pk))
        people = counts.get("salesperson", {})
        self.salesperson_choices = [
            (value, label if value == "" else counted(label, people.get(None if value == NOBODY else int(value))))
            for value, label in self.salesperson_choices]
        flags = counts.get("unsubscribed", {})
        self.fields["unsubscribed"].choices = [
            ("", _("Tous")), ("yes", counted(_("Désabonnés seulement"), flags.get(True))),
            ("no", counted(_("Abonnés seulement"), flags.get(False)))]

    def clean_salesperson(self):
        value = self.cleaned_data["salesperson"].strip()
        if value in ("", NOBODY) or is_small_id(value):
            return value
        raise forms.ValidationError(_("Vendeur inconnu."))

    def filters(self) -> CustomerFilters:
        """What parsed; a field in error counts as not given."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        salesperson = data.get("salesperson") or None
        return CustomerFilters(
            q=(data.get("q") or "").strip() or None,
            salesperson=int(salesperson) if salesperson and salesperson != NOBODY else salesperson,
            source=data["source"] if data.get("source") else None,
            media=data["media"] if data.get("media") else None,
            email_status=data.get("email_status") or None,
            created_from=data.get("created_from"), created_to=data.get("created_to"),
            tags=tuple(data.get("tags") or ()),
            unsubscribed={"yes": True, "no": False}.get(data.get("unsubscribed") or ""),
        )
