from django.urls import path

from comptoir.catalog import views

# The list, pick and card of units are sales.urls.unit_urls, included under /catalog/ too (config/urls.py).
urlpatterns = [
    path("units/<int:pk>/move/", views.unit_move, name="unit-move"),
]
