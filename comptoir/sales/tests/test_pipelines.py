"""Pipelines and their stages managed by sales managers and admins (issue 23): the rules, through the
services. The API's contract is in test_pipelines_api.py, the pages and the Django admin in
test_pipelines_views.py."""

import pytest

from comptoir.accounts.tests.factories import LocationFactory
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound, StaleUpdate
from comptoir.customers.tests.factories import make_customer
from comptoir.sales import selectors, services
from comptoir.sales.models import Pipeline, Stage
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.selectors import timeline_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(manager):
    return make_pipeline(manager)


def names(pipeline) -> list[str]:
    return list(pipeline.stages.order_by("order").values_list("name", flat=True))


def stage(pipeline, name) -> Stage:
    return pipeline.stages.get(name=name)


def orders(pipeline) -> list[int]:
    return list(pipeline.stages.order_by("order").values_list("order", flat=True))


def verbs(pipeline) -> list[str]:
    return [event.verb for event in timeline_for(pipeline)]


def _lose(actor, deal):
    return services.opportunity_change_status(actor=actor, opportunity_id=deal.pk, status="lost", lost_reason="Prix")


def _win(actor, deal):
    return services.opportunity_change_status(actor=actor, opportunity_id=deal.pk, status="won", amount="100",
                                              cost="80")


# --- who ------------------------------------------------------------------------------------------

def test_a_sales_manager_creates_a_pipeline_with_its_stores_and_whether_acceptance_wins(manager):
    store = LocationFactory(name="Magog")

    pipeline = services.pipeline_create(actor=manager, name="Bateaux", prefix="ba", requires_quote=False,
                                        accept_wins=False, locations=[store.pk],
                                        stages=["Nouveau", "Essai", "Cotation", "Négociation"])

    pipeline.refresh_from_db()
    assert (pipeline.prefix, pipeline.requires_quote, pipeline.accept_wins, pipeline.active) == ("BA", False, False,
                                                                                                True)
    assert list(pipeline.locations.all()) == [store]
    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"] and orders(pipeline) == [1, 2, 3, 4]
    assert verbs(pipeline) == ["pipeline_created"]


def test_a_store_is_named_by_its_id_or_its_name_and_an_unknown_one_is_refused(manager):
    LocationFactory(name="Magog")

    pipeline = services.pipeline_create(actor=manager, name="Bateaux", prefix="BA", stages=["Nouveau"],
                                        locations=["Magog"])
    with pytest.raises(ApplicationError) as refused:
        services.pipeline_update(actor=manager, pipeline_id=pipeline.pk, locations=["Nulle part"])

    assert refused.value.field == "locations"
    assert [store.name for store in pipeline.locations.all()] == ["Magog"]


@pytest.mark.parametrize("role", ["salesperson", "reception"])
def test_only_sales_managers_and_admins_manage_pipelines(role, request, pipeline):
    user = request.getfixturevalue(role)
    essai = stage(pipeline, "Essai")
    calls = [
        lambda: services.pipeline_create(actor=user, name="Usagés", prefix="VU", stages=["Nouveau"]),
        lambda: services.pipeline_update(actor=user, pipeline_id=pipeline.pk, name="Autre"),
        lambda: services.stage_add(actor=user, pipeline_id=pipeline.pk, name="Livraison"),
        lambda: services.stage_update(actor=user, pipeline_id=pipeline.pk, stage_id=essai.pk, name="Essai routier"),
        lambda: services.stage_update(actor=user, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True),
        lambda: services.stages_reorder(actor=user, pipeline_id=pipeline.pk, stages=[essai.pk]),
        lambda: services.stage_remove(actor=user, pipeline_id=pipeline.pk, stage_id=essai.pk),
    ]

    for call in calls:
        with pytest.raises(Forbidden) as refused:
            call()
        assert refused.value.message == services.PIPELINES_FORBIDDEN

    assert Pipeline.objects.count() == 1 and names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]
    assert not stage(pipeline, "Essai").archived


def test_an_admin_manages_pipelines_too(admin, pipeline):
    services.stage_add(actor=admin, pipeline_id=pipeline.pk, name="Livraison")

    assert names(pipeline)[-1] == "Livraison"


# --- adding and renaming --------------------------------------------------------------------------

def test_a_stage_is_added_after_the_last_one_even_after_a_removal(manager, pipeline):
    services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=stage(pipeline, "Essai").pk)

    services.stage_add(actor=manager, pipeline_id=pipeline.pk, name="Livraison")
    services.pipeline_update(actor=manager, pipeline_id=pipeline.pk, add_stages=["Suivi"])

    assert names(pipeline) == ["Nouveau", "Cotation", "Négociation", "Livraison", "Suivi"]
    assert orders(pipeline) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("name", ["essai", " ESSAI "])
def test_a_stage_name_is_unique_in_its_pipeline_whatever_the_case(manager, pipeline, name):
    with pytest.raises(Conflict) as added:
        services.stage_add(actor=manager, pipeline_id=pipeline.pk, name=name)
    with pytest.raises(Conflict) as renamed:
        services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=stage(pipeline, "Nouveau").pk,
                              name=name)

    assert added.value.message == renamed.value.message == services.STAGE_NAME_TAKEN
    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]


@pytest.mark.parametrize("name,message", [("   ", "STAGE_NAME_REQUIRED"), ("x" * 101, "STAGE_NAME_TOO_LONG")])
def test_a_stage_needs_a_name_of_at_most_100_characters(manager, pipeline, name, message):
    with pytest.raises(ApplicationError) as refused:
        services.stage_add(actor=manager, pipeline_id=pipeline.pk, name=name)

    assert refused.value.message == getattr(services, message) and refused.value.status == 422
    assert pipeline.stages.count() == 4


def test_the_same_name_in_another_pipeline_is_fine(manager, pipeline):
    other = make_pipeline(manager, name="Usagés", prefix="VU", stages=["Nouveau"])

    services.stage_add(actor=manager, pipeline_id=other.pk, name="Essai")

    assert names(other) == ["Nouveau", "Essai"]


def test_renaming_a_stage_keeps_its_deals_and_lands_in_the_timeline(manager, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=deal.stage_id, name="Premier contact")

    deal.refresh_from_db()
    assert deal.stage.name == "Premier contact"
    event = timeline_for(pipeline).first()
    assert (event.verb, event.data, event.actor) == ("pipeline_stage_renamed",
                                                     {"from": "Nouveau", "to": "Premier contact"}, manager)


# --- order ----------------------------------------------------------------------------------------

def test_stages_are_reordered_and_each_order_stays_unique(manager, pipeline):
    wanted = list(reversed(pipeline.stages.order_by("order").values_list("pk", flat=True)))

    services.stages_reorder(actor=manager, pipeline_id=pipeline.pk, stages=wanted)

    assert names(pipeline) == ["Négociation", "Cotation", "Essai", "Nouveau"] and orders(pipeline) == [1, 2, 3, 4]
    event = timeline_for(pipeline).first()
    assert (event.verb, event.data) == ("pipeline_stages_reordered",
                                        {"stages": ["Négociation", "Cotation", "Essai", "Nouveau"]})


def test_a_reorder_must_name_every_stage_of_the_pipeline_once(manager, pipeline):
    ids = list(pipeline.stages.order_by("order").values_list("pk", flat=True))
    foreign = make_pipeline(manager, name="Usagés", prefix="VU", stages=["Nouveau"]).stages.get().pk

    for wrong in (ids[:3], ids + [ids[0]], ids[:3] + [foreign], ids[:3] + ["x"], []):
        with pytest.raises(ApplicationError) as refused:
            services.stages_reorder(actor=manager, pipeline_id=pipeline.pk, stages=wrong)
        assert refused.value.message == services.BAD_STAGE_ORDER and refused.value.status == 422

    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]


def test_a_reorder_made_from_a_stale_list_is_refused(manager, pipeline):
    read = pipeline.version
    services.stage_add(actor=manager, pipeline_id=pipeline.pk, name="Livraison", version=read)
    ids = list(pipeline.stages.order_by("-order").values_list("pk", flat=True))

    with pytest.raises(StaleUpdate):
        services.stages_reorder(actor=manager, pipeline_id=pipeline.pk, stages=ids, version=read)

    assert names(pipeline)[0] == "Nouveau"


def test_every_stage_change_raises_the_pipeline_version(manager, pipeline):
    versions = [pipeline.version]
    essai = stage(pipeline, "Essai")
    for change in (
        lambda: services.stage_add(actor=manager, pipeline_id=pipeline.pk, name="Livraison"),
        lambda: services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, name="Essai 2"),
        lambda: services.stage_move(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, offset=1),
        lambda: services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True),
        lambda: services.stage_remove(actor=manager, pipeline_id=pipeline.pk,
                                      stage_id=stage(pipeline, "Livraison").pk),
    ):
        change()
        pipeline.refresh_from_db()
        versions.append(pipeline.version)

    assert versions == list(range(versions[0], versions[0] + 6))


def test_the_up_and_down_buttons_swap_a_stage_with_its_neighbour_and_stop_at_the_ends(manager, pipeline):
    essai, nouveau = stage(pipeline, "Essai"), stage(pipeline, "Nouveau")

    services.stage_move(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, offset=-1)
    assert names(pipeline) == ["Essai", "Nouveau", "Cotation", "Négociation"]
    services.stage_move(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, offset=-1)
    assert names(pipeline) == ["Essai", "Nouveau", "Cotation", "Négociation"]
    services.stage_move(actor=manager, pipeline_id=pipeline.pk, stage_id=nouveau.pk, offset=1)

    assert names(pipeline) == ["Essai", "Cotation", "Nouveau", "Négociation"] and orders(pipeline) == [1, 2, 3, 4]
    assert verbs(pipeline).count("pipeline_stages_reordered") == 2


def test_a_deal_keeps_its_stage_when_the_stages_are_reordered(manager, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=stage(pipeline, "Essai").pk)

    services.stage_move(actor=manager, pipeline_id=pipeline.pk, stage_id=deal.stage_id, offset=1)

    deal.refresh_from_db()
    assert deal.stage.name == "Essai" and deal.stage.order == 3


# --- archiving and removing -----------------------------------------------------------------------

@pytest.mark.parametrize("status", ["open", "suspended"])
def test_a_stage_with_open_deals_cannot_be_removed(manager, salesperson, pipeline, status):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=stage(pipeline, "Essai").pk)
    if status == "suspended":
        services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="suspended")

    with pytest.raises(Conflict) as refused:
        services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=deal.stage_id)

    assert refused.value.message == services.STAGE_HOLDS_OPEN_DEALS and refused.value.status == 409
    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]
    assert verbs(pipeline) == ["pipeline_created"]


@pytest.mark.parametrize("status", ["open", "suspended"])
def test_a_stage_with_open_deals_is_archived_only_after_its_deals_move(manager, salesperson, pipeline, status):
    essai = stage(pipeline, "Essai")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk)
    if status == "suspended":
        services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="suspended")

    with pytest.raises(Conflict) as refused:
        services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)
    assert refused.value.message == services.STAGE_ARCHIVE_OPEN_DEALS
    essai.refresh_from_db()
    assert not essai.archived

    services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=stage(pipeline, "Cotation").pk)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)

    essai.refresh_from_db()
    assert essai.archived and verbs(pipeline)[0] == "pipeline_stage_archived"


@pytest.mark.parametrize("close", [_win, _lose])
def test_a_stage_with_only_won_or_lost_deals_cannot_be_removed_only_archived(manager, salesperson, pipeline, close):
    essai = stage(pipeline, "Essai")
    close(manager, make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk))

    with pytest.raises(Conflict) as refused:
        services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)

    assert refused.value.message == services.STAGE_HAS_HISTORY
    essai.refresh_from_db()
    assert essai.archived and essai.opportunities.count() == 1


def test_a_stage_a_deal_went_through_cannot_be_removed(manager, salesperson, pipeline):
    essai = stage(pipeline, "Essai")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk)
    services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=stage(pipeline, "Cotation").pk)

    with pytest.raises(Conflict) as refused:
        services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk)

    assert refused.value.message == services.STAGE_HAS_HISTORY
    assert pipeline.stages.filter(pk=essai.pk).exists()


def test_a_stage_never_used_is_removed_and_the_others_numbered_again(manager, pipeline):
    services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=stage(pipeline, "Essai").pk)

    assert names(pipeline) == ["Nouveau", "Cotation", "Négociation"] and orders(pipeline) == [1, 2, 3]
    event = timeline_for(pipeline).first()
    assert (event.verb, event.data) == ("pipeline_stage_removed", {"stage": "Essai"})


def test_the_last_stage_of_a_pipeline_is_not_removed(manager):
    pipeline = make_pipeline(manager, name="Pièces", prefix="PC", stages=["Commande"])

    with pytest.raises(ApplicationError) as refused:
        services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=stage(pipeline, "Commande").pk)

    assert refused.value.message == services.STAGES_REQUIRED and names(pipeline) == ["Commande"]


def test_the_first_stage_where_new_deals_start_is_never_archived(manager, pipeline):
    nouveau, essai = stage(pipeline, "Nouveau"), stage(pipeline, "Essai")

    with pytest.raises(Conflict) as archived:
        services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=nouveau.pk, archived=True)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)
    with pytest.raises(Conflict) as moved_up:
        services.stage_move(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, offset=-1)
    with pytest.raises(Conflict) as first_removed:
        services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=nouveau.pk)

    assert archived.value.message == moved_up.value.message == first_removed.value.message \
        == services.FIRST_STAGE_ARCHIVED
    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]
    assert not Stage.objects.get(pk=nouveau.pk).archived


def test_an_archived_stage_comes_back_where_it_was(manager, pipeline):
    essai = stage(pipeline, "Essai")
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)

    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=False)

    essai.refresh_from_db()
    assert not essai.archived and essai.order == 2
    assert verbs(pipeline)[:2] == ["pipeline_stage_unarchived", "pipeline_stage_archived"]


def test_an_archived_stage_is_offered_for_no_new_deal_and_no_move(manager, salesperson, pipeline):
    essai = stage(pipeline, "Essai")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)

    with pytest.raises(ApplicationError) as created:
        make_opportunity(salesperson, make_customer(salesperson, first_name="Luc"), pipeline, stage=essai.pk)
    with pytest.raises(ApplicationError) as moved:
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=essai.pk)

    assert created.value.message == moved.value.message == services.STAGE_ARCHIVED
    assert created.value.field == "stage"
    deal.refresh_from_db()
    assert deal.stage.name == "Nouveau" and essai.opportunities.count() == 0
    assert [s.name for s in selectors.stages_offered(pipeline)] == ["Nouveau", "Cotation", "Négociation"]


def test_a_deal_reopened_in_an_archived_stage_is_still_worked_and_can_leave_it(manager, salesperson, pipeline):
    essai = stage(pipeline, "Essai")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk)
    _lose(manager, deal)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)
    services.opportunity_change_status(actor=manager, opportunity_id=deal.pk, status="open")

    services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=essai.pk, product="Outlander")
    assert [s.name for s in selectors.stages_offered(pipeline, current=essai.pk)][:2] == ["Nouveau", "Essai"]
    services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=stage(pipeline, "Cotation").pk)

    deal.refresh_from_db()
    assert (deal.product, deal.stage.name) == ("Outlander", "Cotation")


def test_a_stage_of_another_pipeline_is_not_found(manager, pipeline):
    other = make_pipeline(manager, name="Usagés", prefix="VU", stages=["Nouveau", "Essai"])

    with pytest.raises(NotFound):
        services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=stage(other, "Essai").pk, name="X")
    with pytest.raises(NotFound):
        services.stage_remove(actor=manager, pipeline_id=pipeline.pk, stage_id=stage(other, "Essai").pk)

    assert names(other) == ["Nouveau", "Essai"]


# --- the Django admin's table ---------------------------------------------------------------------

def test_the_admin_table_saves_renames_order_additions_and_archives_through_the_same_rules(admin, pipeline):
    ids = {name: stage(pipeline, name).pk for name in names(pipeline)}

    services.pipeline_stages_save(actor=admin, pipeline_id=pipeline.pk, rows=[
        {"id": ids["Nouveau"], "name": "Nouveau", "order": 2, "archived": False},
        {"id": ids["Essai"], "name": "Essai routier", "order": 1, "archived": False},
        {"id": ids["Cotation"], "name": "Cotation", "order": 3, "archived": True},
        {"id": ids["Négociation"], "name": "Négociation", "order": 4, "archived": False, "delete": True},
        {"id": None, "name": "Livraison", "order": 5, "archived": False},
    ])

    assert names(pipeline) == ["Essai routier", "Nouveau", "Cotation", "Livraison"] and orders(pipeline) == [1, 2, 3, 4]
    assert list(pipeline.stages.filter(archived=True).values_list("name", flat=True)) == ["Cotation"]
    assert set(verbs(pipeline)) >= {"pipeline_stage_renamed", "pipeline_stages_reordered", "pipeline_stage_archived",
                                    "pipeline_stage_removed", "pipeline_stage_added"}


def test_the_admin_table_is_refused_whole_when_a_part_breaks_a_rule(admin, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=stage(pipeline, "Essai").pk)
    ids = {name: stage(pipeline, name).pk for name in names(pipeline)}

    with pytest.raises(Conflict) as refused:
        services.pipeline_stages_save(actor=admin, pipeline_id=pipeline.pk, rows=[
            {"id": ids["Nouveau"], "name": "Premier contact", "order": 2},
            {"id": deal.stage_id, "name": "Essai", "order": 1, "archived": True},
        ])

    assert refused.value.message == services.STAGE_ARCHIVE_OPEN_DEALS
    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]
