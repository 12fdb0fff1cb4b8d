from django.urls import path

from comptoir.sales import views, views_board, views_pipelines, views_reports, views_units

urlpatterns = [
    path("", views_board.board, name="sales-board"),
    path("analytics/", views_reports.analytics, name="sales-analytics"),
    path("analytics/deals/", views_reports.deals, name="sales-deals"),
    path("customers/<int:customer_pk>/opportunities/", views.customer_opportunities,
         name="customer-opportunities"),
    path("customers/<int:customer_pk>/opportunities/new/", views.opportunity_new, name="opportunity-new"),
    path("opportunities/<int:pk>/", views.card, name="opportunity-card"),
    path("opportunities/<int:pk>/move/", views_board.move, name="opportunity-move"),
    path("opportunities/<int:pk>/status/", views.change_status, name="opportunity-status"),
    path("opportunities/<int:pk>/case/", views.change_case, name="opportunity-case"),
    path("opportunities/<int:pk>/edit/", views.edit, name="opportunity-edit"),
    path("opportunities/<int:pk>/reassign/", views.reassign, name="opportunity-reassign"),
    path("opportunities/<int:pk>/sale-date/", views.change_sale_date, name="opportunity-sale-date"),
    # « Processus de vente » (issue 23): sales managers and admins.
    path("pipelines/", views_pipelines.pipeline_list, name="pipeline-list"),
    path("pipelines/new/", views_pipelines.pipeline_new, name="pipeline-new"),
    path("pipelines/<int:pk>/", views_pipelines.pipeline_edit, name="pipeline-edit"),
    path("pipelines/<int:pk>/stages/", views_pipelines.stage_add, name="pipeline-stage-add"),
    path("pipelines/<int:pk>/stages/order/", views_pipelines.stages_order, name="pipeline-stages-order"),
    path("pipelines/<int:pk>/stages/<int:stage_pk>/", views_pipelines.stage_change, name="pipeline-stage"),
]

# The lot's pages showing each unit's deals, under /catalog/ beside catalog's own (config/urls.py).
unit_urls = [
    path("units/", views_units.unit_list, name="unit-list"),
    path("units/pick/", views_units.unit_pick, name="unit-pick"),
    path("units/<int:pk>/", views_units.unit_card, name="unit-card"),
]
