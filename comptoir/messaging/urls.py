from django.urls import path

from comptoir.messaging import views

urlpatterns = [
    path("o/<str:key>.gif", views.open_pixel, name="message-open"),
    path("c/<str:token>/", views.click, name="message-click"),
]
