"""Board and analytics filters: parsing only; the selectors decide what each user sees."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location
from comptoir.accounts.selectors import users_assignable
from comptoir.core import permissions
from comptoir.core.figures import default_period
from comptoir.core.models import Competitor, LostReason, Source
from comptoir.sales.models import Pipeline, Status
from comptoir.sales.selectors import CONVERSION_DIMENSIONS, OUTCOMES, pipeline_default


MONTH = re.compile(r"(19|2\d)\d{2}-(0[1-9]|1[0-2])")


class BoardFilter(forms.Form):
    pipeline = forms.ModelChoiceField(label=_("Processus"), queryset=Pipeline.objects.filter(active=True),
                                      required=False, empty_label=None)
    salesperson = forms.ModelChoiceField(label=_("Vendeur"), required=False, empty_label=_("Toute l'équipe"),
                                         queryset=users_assignable())
    # "" is every status: the home page's « créées » figure opens the month's deals whatever became of them.
    status = forms.ChoiceField(label=_("Statut"), choices=[("", _("Tous")), *Status.choices], required=False,
                               initial=Status.OPEN)
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.filter(active=True), required=False,
                                    empty_label=_("Toutes"))
    location = forms.ModelChoiceField(label=_("Succursale"), queryset=Location.objects.filter(active=True),
                                      required=False, empty_label=_("Toutes"))
    created_from = forms.DateField(label=_("Créées du"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("pipeline"):
            # The process the board shows when none is chosen is the one its picker shows, so filtering
            # keeps the manager on it (not on the first name of the list).
            default = pipeline_default()
            if default is not None:
                self.data = self.data.copy()
                self.data["pipeline"] = default.pk
        field = self.fields["salesperson"]
        field.label_from_instance = lambda person: person.display_name
        if not permissions.can_see_team(user):
            # A salesperson's board shows their own deals: offering colleagues would show empty boards.
            field.queryset = field.queryset.filter(pk=user.pk)
            field.empty_label = None


class OpportunityForm(forms.Form):
    """A new opportunity from the customer card; the service checks everything again."""
    pipeline = forms.ModelChoiceField(label=_("Processus"), queryset=Pipeline.objects.filter(active=True),
                                      empty_label=None)
    product = forms.CharField(label=_("Produit"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unité (no de stock ou NIV)"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "hx-get": "/catalog/units/pick/",
                                                         "hx-trigger": "input changed delay:250ms",
                                                         "hx-target": "next .unit-suggestions"}))
    amount = forms.CharField(label=_("Montant"), max_length=30, required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.filter(active=True), required=False,
                                    empty_label=_("Aucune"))


class CaseForm(forms.Form):
    """The case card's follow-up: expected decision, probability, competitors, contacts (one per line:
    name; role; phone; email)."""
    expected_decision_date = forms.DateField(label=_("Décision attendue le"), required=False,
                                             widget=forms.DateInput(attrs={"type": "date"}))
    probability = forms.IntegerField(label=_("Probabilité (%)"), min_value=0, max_value=100, required=False)
    competitors = forms.ModelMultipleChoiceField(label=_("Concurrents"), required=False,
                                                 queryset=Competitor.objects.filter(active=True),
                                                 widget=forms.CheckboxSelectMultiple)
    competitor_note = forms.CharField(label=_("Concurrence (précisions)"), max_length=200, required=False)
    contacts = forms.CharField(label=_("Contacts (un par ligne : nom ; rôle ; téléphone ; courriel)"),
                               required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["competitors"] = [c.pk for c in values["competitors"]]
        values["contacts"] = [dict(zip(("name", "role", "phone", "email"), [p.strip() for p in line.split(";")]))
                              for line in values["contacts"].splitlines() if line.strip()]
        return values


class LostForm(forms.Form):
    lost_reason = forms.ModelChoiceField(label=_("Raison de perte"), queryset=LostReason.objects.filter(active=True))


class WinForm(forms.Form):
    amount = forms.DecimalField(label=_("Montant"), max_digits=14, decimal_places=2, min_value=0, required=False)
    cost = forms.DecimalField(label=_("Coût"), max_digits=14, decimal_places=2, min_value=0, required=False)


class SaleDateForm(forms.Form):
    sale_date = forms.DateField(label=_("Date de vente"), widget=forms.DateInput(attrs={"type": "date"}))


DIMENSION_LABELS = {
    "salesperson": _("Vendeur"), "manager": _("Directeur"), "location": _("Succursale"), "source": _("Source"),
    "media": _("Média"), "product": _("Produit"), "competitor": _("Concurrent"),
    "decision_month": _("Mois de décision attendu"), "stage": _("Étape (entonnoir)"), "month": _("Mois"),
}


class AnalyticsFilter(forms.Form):
    date_from = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    date_to = forms.DateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    by = forms.ChoiceField(label=_("Par"), choices=[(d, DIMENSION_LABELS[d]) for d in CONVERSION_DIMENSIONS],
                           required=False, initial="salesperson")

    month = forms.CharField(label=_("Mois du ratio courriel"), required=False,
                            widget=forms.DateInput(attrs={"type": "month"}))

    def clean_month(self):
        value = self.cleaned_data["month"]
        if value and not MONTH.fullmatch(value):
            raise forms.ValidationError(_("Un mois s'écrit AAAA-MM."))
        return value

    def period(self):
        date_from, date_to = default_period(self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to"))
        return min(date_from, date_to), date_to

    def ratio_month(self) -> tuple[int, int]:
        """The email ratio's month: the one asked for, else this one."""
        if self.cleaned_data.get("month"):
            year, month = self.cleaned_data["month"].split("-")
            return int(year), int(month)
        today = timezone.localdate()
        return today.year, today.month


class DealsFilter(forms.Form):
    """Which figure of the conversion page a list of deals stands behind (its link's parameters)."""
    date_from = forms.DateField()
    date_to = forms.DateField()
    by = forms.ChoiceField(choices=[(d, d) for d in CONVERSION_DIMENSIONS])
    outcome = forms.ChoiceField(choices=[(o, o) for o in OUTCOMES])
    group = forms.CharField(required=False, max_length=200, strip=False)

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        for name, alias in (("date_from", "from"), ("date_to", "to")):
            if alias in data:
                data[name] = data[alias]
        super().__init__(data, *args, **kwargs)
        self.group_given = "group" in data

    def clean(self):
        cleaned = super().clean()
        if not self.group_given:
            cleaned["group"] = None  # every group; an empty one means the deals without a group
        return cleaned


class PlanForm(forms.Form):
    target_sales = forms.IntegerField(label=_("Ventes visées"), min_value=1, max_value=1_000_000)
    pipeline = forms.ModelChoiceField(label=_("Processus"), queryset=Pipeline.objects.filter(active=True),
                                      required=False, empty_label=None)
