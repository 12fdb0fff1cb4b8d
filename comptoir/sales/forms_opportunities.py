"""The opportunity page's forms (issue 23): « Modifier » and « Réassigner ». Parsing only: the service
checks everything again and says what is refused."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.selectors import users_assignable
from comptoir.core.models import Source
from comptoir.core.text import decimal_text

# The form's fields in the service's words (opportunity_update); the lists are passed apart.
EDIT_FIELDS = ("product", "unit", "amount", "cost", "source", "expected_decision_date", "assignees")


class MoneyField(forms.CharField):
    """An amount as Québec types it (« 24 999,99 »): the service reads and checks it (core.figures)."""

    def to_python(self, value):
        return decimal_text(super().to_python(value)) or None

    def has_changed(self, initial, data):
        return (decimal_text(str(initial)) if initial is not None else None) != self.to_python(data)


class OpportunityEditForm(forms.Form):
    product = forms.CharField(label=_("Produit"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unité (no de stock ou NIV)"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "hx-get": "/catalog/units/pick/",
                                                         "hx-trigger": "input changed delay:250ms",
                                                         "hx-target": "next .unit-suggestions"}))
    amount = MoneyField(label=_("Montant"), max_length=30, required=False,
                        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    cost = MoneyField(label=_("Coût"), max_length=30, required=False,
                      widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.filter(active=True), required=False,
                                    empty_label=_("Aucune"))
    expected_decision_date = forms.DateField(label=_("Décision attendue le"), required=False,
                                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    assignees = forms.ModelMultipleChoiceField(label=_("Autres personnes sur l'opportunité"), required=False,
                                               queryset=users_assignable(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, opportunity, locked: dict, may_assign: bool, **kwargs):
        initial = {
            "product": opportunity.product,
            "unit": (opportunity.unit.stock_number or opportunity.unit.serial) if opportunity.unit_id
            else opportunity.inventory_unit,
            "amount": opportunity.amount, "cost": opportunity.cost, "source": opportunity.source_id,
            "expected_decision_date": opportunity.expected_decision_date,
            "assignees": [user.pk for user in opportunity.assignees.all()],
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["assignees"].label_from_instance = lambda person: person.display_name
        if not may_assign:
            # Only an assigner puts colleagues on a deal (opportunities._set_assignees): a salesperson's
            # form leaves the list as it is.
            del self.fields["assignees"]
        self.locked = {}
        for name, reason in locked.items():
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = reason
                self.locked[name] = reason

    def service_values(self) -> dict:
        """Only what the person changed: what they left alone is not theirs to overwrite (a colleague
        may have changed it since; the version check says so anyway)."""
        values = {}
        for name in self.changed_data:
            value = self.cleaned_data[name]
            if name == "source":
                value = value.pk if value else None
            elif name == "assignees":
                value = [user.pk for user in value]
            elif name == "unit":
                value = value.strip() or None
            values[name] = value
        return values


class ReassignForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("Nouveau vendeur"), queryset=users_assignable(), empty_label=None)

    def __init__(self, *args, opportunity=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["salesperson"]
        field.label_from_instance = lambda person: person.display_name
        if opportunity is not None and opportunity.salesperson_id:
            field.queryset = users_assignable().exclude(pk=opportunity.salesperson_id)
