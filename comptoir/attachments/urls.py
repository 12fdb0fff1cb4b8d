"""/attachments/: the card's section, downloads, and the signed link sent to a customer."""

from django.urls import path

from comptoir.attachments import views

urlpatterns = [
    path("section/<str:target>/<int:pk>/", views.section, name="attachment-section"),
    path("section/<str:target>/<int:pk>/upload/", views.upload, name="attachment-upload"),
    path("shared/<str:token>/", views.shared, name="attachment-shared"),
    path("<int:pk>/", views.download, name="attachment-download"),
    path("<int:pk>/send/", views.send, name="attachment-send"),
    path("<int:pk>/delete/", views.delete, name="attachment-delete"),
]
