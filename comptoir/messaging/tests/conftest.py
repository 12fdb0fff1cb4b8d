import pytest
from django.core import mail

from comptoir.customers.tests.factories import make_customer
from comptoir.messaging import services, sms
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

FOLLOW_UP = ("Bonjour {{ customer.first_name }},\n\nAvez-vous pensé à votre {{ opportunity.product }} ? "
             "Voyez nos modèles : https://concession.example/vtt\n\n{{ salesperson.signature }}")


@pytest.fixture(autouse=True)
def _empty_outboxes():
    mail.outbox = []
    sms.outbox.clear()
    yield


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


@pytest.fixture
def follow_up(admin):
    return services.template_create(actor=admin, name="Relance", subject="Votre {{ opportunity.product }}",
                                    body=FOLLOW_UP)


@pytest.fixture
def deal(salesperson, pipeline):
    """One opportunity of the salesperson's, for a customer with a valid email and a mobile."""
    customer = make_customer(salesperson, email="julie.roy@exemple.ca", first_name="Julie", last_name="Roy",
                             phones=[{"kind": "mobile", "number": "514 555-0101"}])
    return make_opportunity(salesperson, customer, pipeline, product="Can-Am Outlander")
