"""/pipelines and their stages through the API (issue 23): what a client sends and reads, the statuses
the contract names. The rules themselves are proved in test_pipelines.py."""

import pytest

from comptoir.accounts.tests.factories import LocationFactory
from comptoir.customers.tests.factories import make_customer
from comptoir.sales import services
from comptoir.sales.models import Pipeline
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.selectors import timeline_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_api(manager, make_api):
    return make_api(manager)


@pytest.fixture
def pipeline(manager):
    return make_pipeline(manager)


def stage_ids(body) -> dict:
    return {stage["name"]: stage["id"] for stage in body["stages"]}


def test_a_manager_creates_a_pipeline_with_its_stores_and_accept_wins(manager_api):
    store = LocationFactory(name="Magog")

    response = manager_api.post("/pipelines", {"name": "Bateaux", "prefix": "ba", "requires_quote": False,
                                               "accept_wins": False, "locations": ["Magog"],
                                               "stages": ["Nouveau", "Essai", "Cotation", "Négociation"]})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["prefix"], body["accept_wins"], body["locations"], body["active"]) == ("BA", False, [store.pk], True)
    assert [(s["name"], s["order"], s["archived"]) for s in body["stages"]] == [
        ("Nouveau", 1, False), ("Essai", 2, False), ("Cotation", 3, False), ("Négociation", 4, False)]


def test_the_payloads_of_before_still_work(admin_api):
    created = admin_api.post("/pipelines", {"name": "Motoneiges", "prefix": "MN", "stages": ["Nouveau"]})
    patched = admin_api.patch(f"/pipelines/{created.json()['id']}", {"add_stages": ["Essai"], "requires_quote": False})

    assert created.status_code == 201 and created.json()["accept_wins"] is True and created.json()["locations"] == []
    assert patched.status_code == 200
    assert [s["name"] for s in patched.json()["stages"]] == ["Nouveau", "Essai"]


def test_one_pipeline_is_read_with_its_archived_stages(salesperson_api, manager, pipeline):
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=pipeline.stages.get(name="Essai").pk,
                          archived=True)

    response = salesperson_api.get(f"/pipelines/{pipeline.pk}")

    assert response.status_code == 200
    assert [s["name"] for s in response.json()["stages"] if s["archived"]] == ["Essai"]
    assert salesperson_api.get("/pipelines/999999").status_code == 404


def test_stages_are_added_renamed_reordered_archived_and_removed_through_the_api(manager_api, pipeline):
    added = manager_api.post(f"/pipelines/{pipeline.pk}/stages", {"name": "Livraison", "version": pipeline.version})
    assert added.status_code == 201, added.json()
    ids = stage_ids(added.json())

    renamed = manager_api.patch(f"/pipelines/{pipeline.pk}/stages/{ids['Essai']}", {"name": "Essai routier"})
    order = [ids["Nouveau"], ids["Cotation"], ids["Essai"], ids["Négociation"], ids["Livraison"]]
    reordered = manager_api.post(f"/pipelines/{pipeline.pk}/stages/order",
                                 {"stages": order, "version": renamed.json()["version"]})
    archived = manager_api.patch(f"/pipelines/{pipeline.pk}/stages/{ids['Négociation']}", {"archived": True})
    removed = manager_api.delete(f"/pipelines/{pipeline.pk}/stages/{ids['Livraison']}")

    assert [r.status_code for r in (renamed, reordered, archived, removed)] == [200, 200, 200, 204]
    body = manager_api.get(f"/pipelines/{pipeline.pk}").json()
    assert [(s["name"], s["order"], s["archived"]) for s in body["stages"]] == [
        ("Nouveau", 1, False), ("Cotation", 2, False), ("Essai routier", 3, False), ("Négociation", 4, True)]
    assert [e.verb for e in timeline_for(pipeline)][:5] == [
        "pipeline_stage_removed", "pipeline_stage_archived", "pipeline_stages_reordered", "pipeline_stage_renamed",
        "pipeline_stage_added"]


def test_removing_a_stage_with_open_deals_answers_409_with_the_reason(manager_api, salesperson, pipeline):
    essai = pipeline.stages.get(name="Essai")
    make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk)

    removed = manager_api.delete(f"/pipelines/{pipeline.pk}/stages/{essai.pk}")
    archived = manager_api.patch(f"/pipelines/{pipeline.pk}/stages/{essai.pk}", {"archived": True})

    assert removed.status_code == 409 and archived.status_code == 409
    assert removed.json()["detail"] == str(services.STAGE_HOLDS_OPEN_DEALS)
    assert archived.json()["errors"] == [{"field": "archived", "message": str(services.STAGE_ARCHIVE_OPEN_DEALS)}]
    assert pipeline.stages.filter(pk=essai.pk, archived=False).exists()


def test_moving_a_deal_to_an_archived_stage_answers_422(salesperson_api, manager, salesperson, pipeline):
    essai = pipeline.stages.get(name="Essai")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)

    moved = salesperson_api.patch(f"/opportunities/{deal.pk}", {"stage": essai.pk})
    created = salesperson_api.post("/opportunities", {"customer": deal.customer_id, "pipeline": pipeline.pk,
                                                      "stage": essai.pk})

    assert moved.status_code == created.status_code == 422
    assert moved.json()["errors"] == [{"field": "stage", "message": str(services.STAGE_ARCHIVED)}]


@pytest.mark.parametrize("order", ["none", "missing", "twice", "foreign"])
def test_an_order_that_does_not_name_every_stage_once_answers_422(manager_api, manager, pipeline, order):
    ids = list(pipeline.stages.order_by("order").values_list("pk", flat=True))
    other = make_pipeline(manager, name="Usagés", prefix="VU", stages=["Nouveau"])
    body = {"none": [], "missing": ids[1:], "twice": ids[1:] + ids[1:2],
            "foreign": ids[1:] + [other.stages.get().pk]}[order]

    response = manager_api.post(f"/pipelines/{pipeline.pk}/stages/order", {"stages": body})

    assert response.status_code == 422
    assert list(pipeline.stages.order_by("order").values_list("pk", flat=True)) == ids


def test_a_stage_of_another_pipeline_answers_404(manager_api, manager, pipeline):
    other = make_pipeline(manager, name="Usagés", prefix="VU", stages=["Nouveau", "Essai"])
    foreign = other.stages.get(name="Essai").pk

    assert manager_api.patch(f"/pipelines/{pipeline.pk}/stages/{foreign}", {"name": "X"}).status_code == 404
    assert manager_api.delete(f"/pipelines/{pipeline.pk}/stages/{foreign}").status_code == 404
    assert other.stages.filter(pk=foreign, name="Essai").exists()


def test_a_stale_version_answers_409_and_changes_nothing(manager_api, pipeline):
    stale = pipeline.version
    manager_api.post(f"/pipelines/{pipeline.pk}/stages", {"name": "Livraison"})

    response = manager_api.post(f"/pipelines/{pipeline.pk}/stages", {"name": "Suivi", "version": stale})

    assert response.status_code == 409
    assert not pipeline.stages.filter(name="Suivi").exists()


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "x" * 101}, {"name": None}, {}])
def test_a_stage_without_a_usable_name_answers_422(manager_api, pipeline, body):
    response = manager_api.post(f"/pipelines/{pipeline.pk}/stages", body)

    assert response.status_code == 422 and set(response.json()) == {"detail", "errors"}
    assert pipeline.stages.count() == 4


def test_a_salesperson_gets_403_on_every_pipeline_write(salesperson_api, pipeline):
    essai = pipeline.stages.get(name="Essai").pk
    calls = [
        salesperson_api.post("/pipelines", {"name": "X", "prefix": "X", "stages": ["A"]}),
        salesperson_api.patch(f"/pipelines/{pipeline.pk}", {"name": "X"}),
        salesperson_api.post(f"/pipelines/{pipeline.pk}/stages", {"name": "Livraison"}),
        salesperson_api.patch(f"/pipelines/{pipeline.pk}/stages/{essai}", {"archived": True}),
        salesperson_api.post(f"/pipelines/{pipeline.pk}/stages/order", {"stages": [essai]}),
        salesperson_api.delete(f"/pipelines/{pipeline.pk}/stages/{essai}"),
    ]

    assert [response.status_code for response in calls] == [403] * 6
    assert calls[0].json()["detail"] == str(services.PIPELINES_FORBIDDEN)
    assert Pipeline.objects.count() == 1 and pipeline.stages.filter(archived=False).count() == 4


@pytest.mark.parametrize("locations", [["Nulle part"], [999999], [True]])
def test_an_unknown_store_answers_422_and_creates_nothing(manager_api, locations):
    response = manager_api.post("/pipelines", {"name": "Bateaux", "prefix": "BA", "stages": ["Nouveau"],
                                               "locations": locations})

    assert response.status_code == 422 and not Pipeline.objects.exists()


def test_a_blank_store_is_no_store(manager_api):
    response = manager_api.post("/pipelines", {"name": "Bateaux", "prefix": "BA", "stages": ["Nouveau"],
                                               "locations": [""]})

    assert response.status_code == 201 and response.json()["locations"] == []
