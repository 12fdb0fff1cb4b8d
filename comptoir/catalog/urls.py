from django.urls import path

from comptoir.catalog import views

urlpatterns = [
    path("units/", views.unit_list, name="unit-list"),
    path("units/pick/", views.unit_pick, name="unit-pick"),
    path("units/<int:pk>/", views.unit_card, name="unit-card"),
    path("units/<int:pk>/move/", views.unit_move, name="unit-move"),
]
