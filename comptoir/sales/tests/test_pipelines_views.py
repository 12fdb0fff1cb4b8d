"""The « Processus de vente » pages and the Django admin's pipelines (issue 23): who reaches them, and that
each button goes through the services and says what they refused. The rules are in test_pipelines.py."""

import re

import pytest
from django.contrib.messages import get_messages
from django.utils.html import escape

from comptoir.accounts.tests.factories import LocationFactory
from comptoir.core.exceptions import STALE_UPDATE
from comptoir.customers.tests.factories import make_customer
from comptoir.sales import services
from comptoir.sales.models import Pipeline
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.selectors import timeline_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(manager):
    return make_pipeline(manager)


def names(pipeline) -> list[str]:
    return list(pipeline.stages.order_by("order").values_list("name", flat=True))


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_more_menu_offers_the_pipelines_to_managers_and_admins_only(client, manager, admin, salesperson,
                                                                         reception):
    shown = {}
    for user in (manager, admin, salesperson, reception):
        client.force_login(user)
        shown[user.role] = 'href="/sales/pipelines/"' in client.get("/customers/").content.decode()

    assert shown == {"sales_manager": True, "admin": True, "salesperson": False, "reception": False}


@pytest.mark.parametrize("role", ["salesperson", "reception"])
def test_the_pipeline_pages_answer_403_to_who_may_not_manage_them(client, request, pipeline, role):
    client.force_login(request.getfixturevalue(role))
    stage = pipeline.stages.get(name="Essai")

    statuses = [
        client.get("/sales/pipelines/").status_code,
        client.get("/sales/pipelines/new/").status_code,
        client.get(f"/sales/pipelines/{pipeline.pk}/").status_code,
        client.post(f"/sales/pipelines/{pipeline.pk}/stages/", {"name": "Livraison"}).status_code,
        client.post(f"/sales/pipelines/{pipeline.pk}/stages/{stage.pk}/", {"action": "remove"}).status_code,
        client.post(f"/sales/pipelines/{pipeline.pk}/stages/order/", {"stages": [stage.pk]}).status_code,
    ]

    assert statuses == [403] * 6
    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]


def test_the_list_shows_each_pipeline_with_its_stages_and_open_deals(client, manager, salesperson, pipeline):
    make_opportunity(salesperson, make_customer(salesperson), pipeline)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=pipeline.stages.get(name="Essai").pk,
                          archived=True)
    client.force_login(manager)

    html = client.get("/sales/pipelines/").content.decode()

    assert "Véhicules neufs" in html and "VN" in html and "1 opportunité ouverte" in html
    assert re.search(r'class="archived"[^>]*>Essai</li>', html)
    assert "Toutes les succursales" in html


def test_a_manager_creates_a_pipeline_from_its_page(client, manager):
    store = LocationFactory(name="Magog")
    client.force_login(manager)

    response = client.post("/sales/pipelines/new/", {
        "name": "Bateaux", "prefix": "ba", "requires_quote": "on", "locations": [store.pk],
        "stages": "Nouveau\r\nEssai sur l'eau\r\n\r\nCotation\r\nNégociation\r\n"})

    pipeline = Pipeline.objects.get(name="Bateaux")
    assert response.status_code == 302 and response["Location"] == f"/sales/pipelines/{pipeline.pk}/"
    assert (pipeline.prefix, pipeline.requires_quote, pipeline.accept_wins) == ("BA", True, False)
    assert list(pipeline.locations.all()) == [store]
    assert names(pipeline) == ["Nouveau", "Essai sur l'eau", "Cotation", "Négociation"]


def test_a_refused_pipeline_comes_back_with_the_reason_on_its_field(client, manager, pipeline):
    client.force_login(manager)

    response = client.post("/sales/pipelines/new/", {"name": "Bateaux", "prefix": "VN", "stages": "Nouveau"})

    assert response.status_code == 409
    assert str(services.PREFIX_TAKEN) in response.content.decode()
    assert Pipeline.objects.count() == 1


def test_the_page_saves_the_settings_through_the_service(client, manager, pipeline):
    client.force_login(manager)

    response = client.post(f"/sales/pipelines/{pipeline.pk}/", {
        "name": "Véhicules neufs 2026", "accept_wins": "on", "active": "on", "version": pipeline.version})

    pipeline.refresh_from_db()
    assert response.status_code == 302
    assert (pipeline.name, pipeline.requires_quote, pipeline.accept_wins) == ("Véhicules neufs 2026", False, True)
    assert timeline_for(pipeline).first().verb == "pipeline_updated"


def test_settings_saved_from_a_stale_page_are_refused_and_the_page_shows_the_new_values(client, manager, pipeline):
    stale = pipeline.version
    services.stage_add(actor=manager, pipeline_id=pipeline.pk, name="Livraison")
    client.force_login(manager)

    response = client.post(f"/sales/pipelines/{pipeline.pk}/", {"name": "Autre", "version": stale}, follow=True)

    pipeline.refresh_from_db()
    assert pipeline.name == "Véhicules neufs" and "Livraison" in response.content.decode()
    assert escape(str(STALE_UPDATE)) in response.content.decode()


def test_the_page_shows_each_stages_open_deals_and_offers_removal_only_when_allowed(client, manager, salesperson,
                                                                                    pipeline):
    cotation = pipeline.stages.get(name="Cotation")
    for first_name in ("Luc", "Lise"):
        make_opportunity(salesperson, make_customer(salesperson, first_name=first_name), pipeline, stage=cotation.pk)
    client.force_login(manager)

    html = client.get(f"/sales/pipelines/{pipeline.pk}/").content.decode()

    rows = {name: html[html.index(f'value="{name}"'):] for name in names(pipeline)}
    rows = {name: row[:row.index("</li>")] for name, row in rows.items()}
    assert "2 ouvertes" in rows["Cotation"] and "0 ouverte" in rows["Essai"]
    assert 'value="remove"' not in rows["Cotation"] and 'value="remove"' in rows["Essai"]
    assert re.search(r'value="archive"\s+disabled', rows["Cotation"])
    assert re.search(r'value="archive"\s+disabled', rows["Nouveau"])  # the first stage
    assert re.search(r'value="archive">', rows["Essai"])


def test_a_stage_is_added_and_renamed_from_the_page(client, manager, pipeline):
    client.force_login(manager)

    client.post(f"/sales/pipelines/{pipeline.pk}/stages/", {"name": "Livraison"})
    stage = pipeline.stages.get(name="Livraison")
    response = client.post(f"/sales/pipelines/{pipeline.pk}/stages/{stage.pk}/",
                           {"action": "rename", "name": "Livraison au client"})

    assert response.status_code == 302 and response["Location"] == f"/sales/pipelines/{pipeline.pk}/#stages"
    assert names(pipeline)[-1] == "Livraison au client"


def test_the_up_button_moves_a_stage_without_javascript(client, manager, pipeline):
    client.force_login(manager)
    essai = pipeline.stages.get(name="Essai")

    client.post(f"/sales/pipelines/{pipeline.pk}/stages/{essai.pk}/", {"action": "up", "version": pipeline.version})

    assert names(pipeline) == ["Essai", "Nouveau", "Cotation", "Négociation"]


def test_archiving_a_stage_with_open_deals_from_the_page_says_why_and_changes_nothing(client, manager, salesperson,
                                                                                     pipeline):
    essai = pipeline.stages.get(name="Essai")
    make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk)
    client.force_login(manager)

    archive = client.post(f"/sales/pipelines/{pipeline.pk}/stages/{essai.pk}/", {"action": "archive"})
    remove = client.post(f"/sales/pipelines/{pipeline.pk}/stages/{essai.pk}/", {"action": "remove"})

    assert said(archive) == [str(services.STAGE_ARCHIVE_OPEN_DEALS)]
    assert said(remove)[-1] == str(services.STAGE_HOLDS_OPEN_DEALS)
    essai.refresh_from_db()
    assert not essai.archived


def test_the_dragged_order_is_saved_and_a_refusal_answers_its_reason(client, manager, pipeline):
    client.force_login(manager)
    ids = list(pipeline.stages.order_by("order").values_list("pk", flat=True))
    url = f"/sales/pipelines/{pipeline.pk}/stages/order/"

    saved = client.post(url, {"stages": [ids[1], ids[0], ids[2], ids[3]], "version": pipeline.version})
    stale = client.post(url, {"stages": ids, "version": pipeline.version})
    partial = client.post(url, {"stages": ids[:2]})

    assert saved.status_code == 204 and names(pipeline) == ["Essai", "Nouveau", "Cotation", "Négociation"]
    assert stale.status_code == 409 and partial.status_code == 422
    assert partial.content.decode() == str(services.BAD_STAGE_ORDER)


def test_the_board_has_no_column_for_an_archived_stage_unless_deals_shown_sit_in_it(client, manager, salesperson,
                                                                                    pipeline):
    essai = pipeline.stages.get(name="Essai")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk)
    services.opportunity_change_status(actor=manager, opportunity_id=deal.pk, status="lost", lost_reason="Prix")
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=essai.pk, archived=True)
    client.force_login(manager)

    open_board = client.get(f"/sales/?pipeline={pipeline.pk}").content.decode()
    lost_board = client.get(f"/sales/?pipeline={pipeline.pk}&status=lost").content.decode()

    assert 'aria-label="Nouveau"' in open_board and 'aria-label="Essai"' not in open_board
    assert 'aria-label="Essai"' in lost_board


def test_the_cards_stage_picker_offers_no_archived_stage(client, manager, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    services.stage_update(actor=manager, pipeline_id=pipeline.pk, stage_id=pipeline.stages.get(name="Essai").pk,
                          archived=True)
    client.force_login(salesperson)

    html = client.get(f"/sales/opportunities/{deal.pk}/").content.decode()

    picker = html[html.index('id="stage-pick"'):]
    picker = picker[:picker.index("</select>")]
    assert re.findall(r">([^<]+)</option>", picker) == ["Nouveau", "Cotation", "Négociation"]


# --- the Django admin -----------------------------------------------------------------------------

def _inline(pipeline, rows, **extra) -> dict:
    """The admin's change form as a browser posts it: the pipeline's fields, then one inline row per stage."""
    data = {"name": pipeline.name, "requires_quote": "on" if pipeline.requires_quote else "",
            "accept_wins": "on" if pipeline.accept_wins else "", "active": "on",
            "stages-TOTAL_FORMS": str(len(rows)), "stages-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
            "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "1000", **extra}
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key in ("archived", "DELETE"):
                if value:
                    data[f"stages-{index}-{key}"] = "on"
            elif value is not None:
                data[f"stages-{index}-{key}"] = value
        if pipeline.pk:
            data[f"stages-{index}-pipeline"] = pipeline.pk
    return data


def test_the_django_admin_lists_the_pipelines_with_their_stages(client, admin, pipeline):
    client.force_login(admin)

    listing = client.get("/admin/sales/pipeline/")
    page = client.get(f"/admin/sales/pipeline/{pipeline.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert "Véhicules neufs" in listing.content.decode()
    assert 'name="stages-0-name"' in page.content.decode() and "Négociation" in page.content.decode()


def test_the_django_admin_swaps_two_stages_through_the_services(client, admin, pipeline):
    client.force_login(admin)
    stages = list(pipeline.stages.order_by("order"))
    rows = [{"id": s.pk, "name": s.name, "position": s.order} for s in stages]
    rows[0]["position"], rows[1]["position"] = 2, 1  # « Nouveau » and « Essai » swap: the same orders, exchanged
    rows[2]["archived"] = True
    rows.append({"id": None, "name": "Livraison", "position": 5})

    response = client.post(f"/admin/sales/pipeline/{pipeline.pk}/change/", _inline(pipeline, rows))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert names(pipeline) == ["Essai", "Nouveau", "Cotation", "Négociation", "Livraison"]
    assert list(pipeline.stages.filter(archived=True).values_list("name", flat=True)) == ["Cotation"]
    assert {"pipeline_stages_reordered", "pipeline_stage_archived", "pipeline_stage_added"} <= {
        event.verb for event in timeline_for(pipeline)}


def test_the_django_admin_refuses_removing_a_stage_with_deals_on_the_form(client, admin, salesperson, pipeline):
    essai = pipeline.stages.get(name="Essai")
    make_opportunity(salesperson, make_customer(salesperson), pipeline, stage=essai.pk)
    client.force_login(admin)
    rows = [{"id": s.pk, "name": s.name, "position": s.order, "DELETE": s.pk == essai.pk}
            for s in pipeline.stages.order_by("order")]

    response = client.post(f"/admin/sales/pipeline/{pipeline.pk}/change/", _inline(pipeline, rows))

    assert response.status_code == 200
    assert str(services.STAGE_HOLDS_OPEN_DEALS) in response.content.decode()
    assert names(pipeline) == ["Nouveau", "Essai", "Cotation", "Négociation"]


def test_the_django_admin_creates_a_pipeline_with_its_stages_through_the_service(client, admin):
    client.force_login(admin)
    blank = Pipeline(name="Pièces", prefix="pc", requires_quote=False, accept_wins=False)
    blank.pk = None
    data = _inline(blank, [{"name": "Commande", "position": 1}, {"name": "Livrée", "position": 2}], prefix="pc")

    response = client.post("/admin/sales/pipeline/add/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    pipeline = Pipeline.objects.get(name="Pièces")
    assert pipeline.prefix == "PC" and names(pipeline) == ["Commande", "Livrée"]
    assert [event.verb for event in timeline_for(pipeline)][-1] == "pipeline_created"
