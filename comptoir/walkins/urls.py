from django.urls import path

from comptoir.walkins import views

urlpatterns = [
    path("", views.walk_in_page, name="walkin-list"),
    path("customers/", views.customer_matches, name="walkin-customer-search"),
    path("analytics-section/", views.analytics_section, name="walkin-analytics-section"),
]
