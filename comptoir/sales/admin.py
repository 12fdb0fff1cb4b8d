"""Pipelines in the Django admin (issue 23), through the same services as the pages and the API: the
pipeline through pipeline_create / pipeline_update, its stages (the inline table) through
pipeline_stages_save. The table is first tried in a savepoint always rolled back, so a refusal (a stage
holding open deals removed, the first stage archived) shows on the form and nothing is saved, instead of
breaking the save halfway. The « Processus de vente » page (/sales/pipelines/) is the main path."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError
from comptoir.sales import services
from comptoir.sales.models import Pipeline, Stage


class _TrialOver(Exception):
    """Leaves a trial run's savepoint, rolling it back."""


def _refusal(call) -> ApplicationError | None:
    """What the service would refuse, learnt by running `call` in a savepoint rolled back whatever happens."""
    try:
        with transaction.atomic():
            call()
            raise _TrialOver
    except _TrialOver:
        return None
    except ApplicationError as error:
        return error


class PipelineAdminForm(forms.ModelForm):
    class Meta:
        model = Pipeline
        fields = ("name", "prefix", "requires_quote", "accept_wins", "locations", "active")

    def clean(self):
        cleaned = super().clean()
        try:
            services.pipeline_check(name=cleaned.get("name", ""), pipeline_id=self.instance.pk,
                                    prefix=None if self.instance.pk else cleaned.get("prefix", ""))
        except ApplicationError as error:
            raise forms.ValidationError({error.field: str(error.message)} if error.field in self.fields
                                        else str(error.message)) from None
        return cleaned


class StageInlineForm(forms.ModelForm):
    # The order as a plain number: keeping (pipeline, order) unique is the service's job, so two stages can
    # swap their numbers in one save (a check row by row would see the other one still holding it).
    position = forms.IntegerField(label=_("ordre"), min_value=0)

    class Meta:
        model = Stage
        fields = ("name", "archived")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["position"].initial = self.instance.order


class StageFormSet(forms.BaseInlineFormSet):
    actor = None  # the signed-in admin, set by StageInline.get_formset

    def validate_unique(self):
        """Names (case-blind) and orders are judged by the service, on the whole table (clean below)."""

    def rows(self) -> list[dict]:
        """The table as pipeline_stages_save takes it; empty extra rows left out."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (form.instance.pk is None and not form.has_changed()):
                continue
            rows.append({"id": form.instance.pk, "name": data.get("name", ""), "order": data.get("position") or 0,
                         "archived": bool(data.get("archived")), "delete": bool(data.get("DELETE"))})
        return rows

    def stage_names(self) -> list[str]:
        """A new pipeline's stages, in the table's order."""
        kept = [row for row in self.rows() if not row["delete"]]
        return [row["name"] for row in sorted(kept, key=lambda row: row["order"])]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if self.instance.pk is None:
            error = _refusal(lambda: services.stage_names_clean(self.stage_names()))
        else:
            error = _refusal(lambda: services.pipeline_stages_save(actor=self.actor, pipeline_id=self.instance.pk,
                                                                   rows=self.rows()))
        if error is not None:
            raise forms.ValidationError(str(error.message))


class StageInline(admin.TabularInline):
    model = Stage
    form = StageInlineForm
    formset = StageFormSet
    extra = 1
    ordering = ("order", "pk")

    def get_fields(self, request, obj=None):
        # A new pipeline's stages are not archived yet.
        return ["name", "position"] if obj is None else ["name", "position", "archived"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        return formset


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    form = PipelineAdminForm
    inlines = [StageInline]
    list_display = ("name", "prefix", "requires_quote", "accept_wins", "active", "stage_count")
    list_filter = ("active", "requires_quote", "accept_wins")
    search_fields = ("name", "prefix")
    filter_horizontal = ("locations",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stage_count=Count("stages"))

    @admin.display(description=_("étapes"), ordering="stage_count")
    def stage_count(self, obj):
        return obj.stage_count

    def get_fields(self, request, obj=None):
        # A new pipeline is active; the prefix of one that numbered deals stays.
        fields = ["name", "prefix", "requires_quote", "accept_wins", "locations", "active"]
        return fields[:-1] if obj is None else fields

    def get_readonly_fields(self, request, obj=None):
        return ("prefix",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        # Deactivated, never deleted: its deals and their numbers point at it.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            return  # created with its stages in save_related: pipeline_create needs them
        values = {key: form.cleaned_data[key] for key in ("name", "requires_quote", "accept_wins", "active")}
        saved = services.pipeline_update(actor=request.user, pipeline_id=obj.pk,
                                         locations=[location.pk for location in form.cleaned_data["locations"]],
                                         **values)
        obj.version = saved.version

    def save_related(self, request, form, formsets, change):
        """The stages (and a new pipeline with them) through the services; the locations too, so nothing is
        saved here by the forms themselves."""
        stages = next(formset for formset in formsets if formset.model is Stage)
        if change:  # an unchanged table changes nothing and records nothing
            services.pipeline_stages_save(actor=request.user, pipeline_id=form.instance.pk, rows=stages.rows())
        else:
            data = form.cleaned_data
            created = services.pipeline_create(
                actor=request.user, name=data["name"], prefix=data["prefix"], stages=stages.stage_names(),
                requires_quote=data["requires_quote"], accept_wins=data["accept_wins"],
                locations=[location.pk for location in data["locations"]])
            form.instance.pk, form.instance.prefix, form.instance.version = created.pk, created.prefix, \
                created.version
        # What the admin's change message reads; the pipeline's timeline has the details.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
