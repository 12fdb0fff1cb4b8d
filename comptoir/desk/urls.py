"""The desk's pages, under /sales/ beside the opportunity's (config/urls.py)."""

from django.urls import path

from comptoir.desk import views

opportunity_urls = [
    path("opportunities/<int:pk>/desk/", views.desk_page, name="desk-page"),
    path("opportunities/<int:pk>/desk/grid/", views.desk_grid, name="desk-grid"),
    path("opportunities/<int:pk>/desk/sheets/", views.desk_sheets, name="desk-sheets"),
    path("opportunities/<int:pk>/desk/sheets/<int:sheet_id>/worksheet.pdf", views.desk_sheet_pdf,
         name="desk-sheet-pdf"),
    path("opportunities/<int:pk>/desk/sheets/<int:sheet_id>/send/", views.desk_sheet_send, name="desk-sheet-send"),
]
