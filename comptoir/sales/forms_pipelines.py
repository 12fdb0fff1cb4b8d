"""The pipeline pages' forms: parsing only; services.pipeline_create / pipeline_update decide."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location


class PipelineForm(forms.Form):
    """A pipeline's settings, as its page edits them."""

    name = forms.CharField(label=_("Nom"), max_length=100)
    requires_quote = forms.BooleanField(
        label=_("Exige une cotation"), required=False,
        help_text=_("Sans cotation, le montant et le coût se saisissent à la vente."))
    accept_wins = forms.BooleanField(
        label=_("L'acceptation conclut la vente"), required=False,
        help_text=_("Accepter une variante de cotation gagne l'opportunité, avec la date de vente du jour."))
    locations = forms.ModelMultipleChoiceField(
        label=_("Succursales"), required=False, queryset=Location.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : toutes les succursales vendent par ce processus."))
    active = forms.BooleanField(label=_("Actif"), required=False,
                                help_text=_("Un processus inactif ne reçoit plus de nouvelles opportunités."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, chosen=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The active stores, and any store already chosen that was closed since.
        self.fields["locations"].queryset = Location.objects.filter(Q(active=True) | Q(pk__in=list(chosen)))

    def add_service_error(self, error) -> None:
        """A service's refusal, on the field it names when the form has it."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values.pop("version", None)
        values["locations"] = [location.pk for location in values["locations"]]
        return values


class PipelineNewForm(PipelineForm):
    """A new pipeline: its settings, its numbers' prefix and its stages, one a line."""

    prefix = forms.CharField(label=_("Préfixe des numéros"), max_length=10,
                             help_text=_("1 à 10 lettres ou chiffres : VN donne VN-2026-00042."))
    stages = forms.CharField(label=_("Étapes, une par ligne, dans l'ordre"),
                             widget=forms.Textarea(attrs={"rows": 6}))

    field_order = ["name", "prefix", "requires_quote", "accept_wins", "locations", "stages"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["active"]  # a new pipeline is active
        del self.fields["version"]
        self.fields["stages"].widget.attrs["placeholder"] = "\n".join(
            str(name) for name in (_("Nouveau"), _("Essai"), _("Cotation"), _("Négociation")))

    def service_values(self) -> dict:
        values = super().service_values()
        values["stages"] = values["stages"].splitlines()
        return values


class StageAddForm(forms.Form):
    name = forms.CharField(label=_("Nouvelle étape"), max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
