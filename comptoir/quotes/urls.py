"""Quotes' pages. `urlpatterns`: the customer's tracked link (/q/…, no sign-in: the page, the
acceptance, each variant's PDF). `opportunity_urls`:
the quote section, editor, acceptance, sending and contract of an opportunity's card, included under
/sales/ beside sales' own pages (config/urls.py), at the paths they always had."""

from django.urls import path

from comptoir.quotes import views

urlpatterns = [
    path("<str:key>/", views.quote_view, name="quote-view"),
    path("<str:key>/accept/", views.quote_accept_online, name="quote-accept-online"),
    path("<str:key>/pdf/<int:variant_id>/", views.quote_pdf_online, name="quote-pdf-online"),
]

opportunity_urls = [
    path("opportunities/<int:pk>/quotes/", views.quote_section, name="opportunity-quotes"),
    path("opportunities/<int:pk>/quotes/new/", views.quote_editor, name="quote-editor"),
    path("opportunities/<int:pk>/quotes/new/line/", views.quote_editor_line, name="quote-editor-line"),
    path("opportunities/<int:pk>/quotes/new/variant/", views.quote_editor_variant, name="quote-editor-variant"),
    path("opportunities/<int:pk>/quotes/new/totals/", views.quote_editor_totals, name="quote-editor-totals"),
    path("quotes/sellables/", views.quote_sellables, name="quote-sellables"),
    path("opportunities/<int:pk>/contract/", views.contract_new, name="contract-new"),
    path("quotes/<int:quote_id>/variants/<int:variant_id>/accept/", views.variant_accept,
         name="quote-variant-accept"),
    path("quotes/<int:quote_id>/variants/<int:variant_id>/send/", views.variant_send, name="quote-variant-send"),
]
