from django.urls import path

from comptoir.quotes import views as quote_views
from comptoir.sales import views

urlpatterns = [
    path("", views.board, name="sales-board"),
    path("analytics/", views.analytics, name="sales-analytics"),
    path("analytics/deals/", views.deals, name="sales-deals"),
    path("customers/<int:customer_pk>/opportunities/", views.customer_opportunities,
         name="customer-opportunities"),
    path("customers/<int:customer_pk>/opportunities/new/", views.opportunity_new, name="opportunity-new"),
    path("opportunities/<int:pk>/", views.card, name="opportunity-card"),
    path("opportunities/<int:pk>/move/", views.move, name="opportunity-move"),
    path("opportunities/<int:pk>/status/", views.change_status, name="opportunity-status"),
    path("opportunities/<int:pk>/case/", views.change_case, name="opportunity-case"),
    path("opportunities/<int:pk>/sale-date/", views.change_sale_date, name="opportunity-sale-date"),
    path("opportunities/<int:pk>/quotes/", quote_views.quote_section, name="opportunity-quotes"),
    path("opportunities/<int:pk>/quotes/new/", quote_views.quote_editor, name="quote-editor"),
    path("opportunities/<int:pk>/quotes/new/line/", quote_views.quote_editor_line, name="quote-editor-line"),
    path("opportunities/<int:pk>/quotes/new/variant/", quote_views.quote_editor_variant, name="quote-editor-variant"),
    path("opportunities/<int:pk>/quotes/new/totals/", quote_views.quote_editor_totals, name="quote-editor-totals"),
    path("opportunities/<int:pk>/contract/", quote_views.contract_new, name="contract-new"),
    path("quotes/<int:quote_id>/variants/<int:variant_id>/accept/", quote_views.variant_accept,
         name="quote-variant-accept"),
    path("quotes/<int:quote_id>/variants/<int:variant_id>/send/", quote_views.variant_send, name="quote-variant-send"),
]
