"""The bench's URLs: the product's, and beside them the hand-written floor views (comptoir.bench.floor)
under /bench-floor/. Only the bench's server mounts them (comptoir.bench.settings)."""

from django.urls import include, path

from comptoir.bench import floor

urlpatterns = [
    path("bench-floor/customers/<int:customer_id>", floor.customer_card),
    path("bench-floor/customers", floor.customer_list),
    path("bench-floor/opportunities", floor.opportunity_list),
    path("bench-floor/conversion", floor.conversion),
    path("bench-floor/email-ratio", floor.email_ratio),
    # The product's URLs by name: the bench sits below config in the layers and never imports it.
    path("", include("comptoir.config.urls")),
]
