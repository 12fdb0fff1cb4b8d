from django.urls import path

from comptoir.imports import views

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/progress", views.import_progress, name="import-progress"),
    path("<int:pk>/resume", views.import_resume, name="import-resume"),
]
