from django.urls import path

from comptoir.quotes import views

urlpatterns = [path("<str:key>/", views.quote_view, name="quote-view")]
