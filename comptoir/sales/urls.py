from django.urls import path

from comptoir.sales import views

urlpatterns = [
    path("", views.board, name="sales-board"),
    path("analytics/", views.analytics, name="sales-analytics"),
    path("opportunities/<int:pk>/", views.card, name="opportunity-card"),
    path("opportunities/<int:pk>/move/", views.move, name="opportunity-move"),
    path("opportunities/<int:pk>/status/", views.change_status, name="opportunity-status"),
    path("opportunities/<int:pk>/sale-date/", views.change_sale_date, name="opportunity-sale-date"),
]
