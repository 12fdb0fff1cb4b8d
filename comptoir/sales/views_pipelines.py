"""The « Processus de vente » pages (issue 23): the pipelines, a new one, and one pipeline's page with its
settings and its stages (add, rename, reorder by drag or with the up and down buttons, archive, bring
back, remove). Sales managers and admins only. Thin: the services decide, the same ones as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, StaleUpdate
from comptoir.core.views import posted_version, refusal_as_message
from comptoir.sales import selectors, services
from comptoir.sales.forms_pipelines import PipelineForm, PipelineNewForm, StageAddForm
from comptoir.timeline.selectors import timeline_for

HISTORY_SHOWN = 20
# The row's buttons (name="action"), each the service call it stands for.
STAGE_ACTIONS = ("rename", "up", "down", "archive", "unarchive", "remove")


def _require_manager(request) -> None:
    permissions.require(request.user, "manage_pipelines", services.PIPELINES_FORBIDDEN)


def _pipeline_or_404(pk):
    pipeline = selectors.pipeline_get(pk)
    if pipeline is None:
        raise Http404
    return pipeline


@login_required
def pipeline_list(request):
    _require_manager(request)
    return render(request, "sales/pipelines/list.html", {"pipelines": selectors.pipeline_list()})


@login_required
def pipeline_new(request):
    _require_manager(request)
    form = PipelineNewForm(request.POST or None, initial={"requires_quote": True, "accept_wins": True})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                pipeline = services.pipeline_create(actor=request.user, **form.service_values())
            except ApplicationError as error:
                form.add_service_error(error)
                status = error.status
            else:
                messages.success(request, _("Processus de vente « %(name)s » créé.") % {"name": pipeline.name})
                return redirect("pipeline-edit", pipeline.pk)
    return render(request, "sales/pipelines/new.html", {"form": form}, status=status)


def _edit_page(request, pipeline, form, status=200):
    stages = list(pipeline.stages.all())
    return render(request, "sales/pipelines/edit.html", {
        "pipeline": pipeline,
        "form": form,
        "stages": stages,
        "first_stage": stages[0] if stages else None,
        "add_form": StageAddForm(initial={"version": pipeline.version}),
        "history": timeline_for(pipeline)[:HISTORY_SHOWN],
    }, status=status)


@login_required
def pipeline_edit(request, pk):
    """Its settings (GET shows them, POST saves them) and its stages."""
    _require_manager(request)
    pipeline = _pipeline_or_404(pk)
    chosen = [location.pk for location in pipeline.locations.all()]
    if request.method != "POST":
        form = PipelineForm(chosen=chosen, initial={
            "name": pipeline.name, "requires_quote": pipeline.requires_quote, "accept_wins": pipeline.accept_wins,
            "locations": chosen, "active": pipeline.active, "version": pipeline.version})
        return _edit_page(request, pipeline, form)
    form, status = PipelineForm(request.POST, chosen=chosen), 422
    if form.is_valid():
        try:
            services.pipeline_update(actor=request.user, pipeline_id=pk, version=form.cleaned_data["version"],
                                     **form.service_values())
        except StaleUpdate as error:  # someone saved meanwhile: their values shown, to redo the change on
            messages.error(request, str(error.message))
            return redirect("pipeline-edit", pk)
        except ApplicationError as error:
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, _("Processus de vente enregistré."))
            return redirect("pipeline-edit", pk)
    return _edit_page(request, pipeline, form, status=status)


@login_required
@require_POST
def stage_add(request, pk):
    _require_manager(request)
    with refusal_as_message(request):
        stage = services.stage_add(actor=request.user, pipeline_id=pk, name=request.POST.get("name", ""),
                                   version=posted_version(request))
        messages.success(request, _("Étape « %(name)s » ajoutée.") % {"name": stage.name})
    return redirect("pipeline-edit", pk)


@login_required
@require_POST
def stage_change(request, pk, stage_pk):
    """One stage's row: each of its buttons posts its `action`."""
    _require_manager(request)
    action, version = request.POST.get("action", "rename"), posted_version(request)
    if action not in STAGE_ACTIONS:
        action = "rename"
    done = {
        "rename": _("Étape renommée."), "up": _("Ordre des étapes enregistré."),
        "down": _("Ordre des étapes enregistré."), "archive": _("Étape archivée."),
        "unarchive": _("Étape désarchivée."), "remove": _("Étape supprimée."),
    }
    with refusal_as_message(request):
        if action == "rename":
            services.stage_update(actor=request.user, pipeline_id=pk, stage_id=stage_pk, version=version,
                                  name=request.POST.get("name", ""))
        elif action in ("archive", "unarchive"):
            services.stage_update(actor=request.user, pipeline_id=pk, stage_id=stage_pk, version=version,
                                  archived=action == "archive")
        elif action == "remove":
            services.stage_remove(actor=request.user, pipeline_id=pk, stage_id=stage_pk, version=version)
        else:
            services.stage_move(actor=request.user, pipeline_id=pk, stage_id=stage_pk, version=version,
                                offset=-1 if action == "up" else 1)
        messages.success(request, done[action])
    return redirect(reverse("pipeline-edit", args=[pk]) + "#stages")


@login_required
@require_POST
def stages_order(request, pk):
    """The order a drag left (pipelines.js): every stage id, in order. 204, or the refusal's text with its
    status, which the page shows before putting the list back."""
    try:
        _require_manager(request)
        services.stages_reorder(actor=request.user, pipeline_id=pk, stages=request.POST.getlist("stages"),
                                version=posted_version(request))
    except ApplicationError as error:  # a 403 and a 404 too
        return HttpResponse(str(error.message), status=error.status)
    messages.success(request, _("Ordre des étapes enregistré."))
    return HttpResponse(status=204)
