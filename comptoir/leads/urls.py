from django.urls import path

from comptoir.leads import views

urlpatterns = [
    path("", views.lead_list, name="lead-list"),
    path("new/", views.lead_new, name="lead-new"),
    path("<int:pk>/", views.lead_card, name="lead-card"),
    path("<int:pk>/edit/", views.lead_edit, name="lead-edit"),
    path("<int:pk>/change/", views.lead_change, name="lead-change"),
    path("<int:pk>/convert/", views.lead_convert, name="lead-convert"),
]
