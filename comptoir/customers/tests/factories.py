import factory

from comptoir.customers.services import customer_create


def make_customer(actor, **values):
    """Customers go through the service, so tests see the same keys and rules as real data."""
    defaults = {"first_name": "Jean", "last_name": "Tremblay"}
    return customer_create(actor=actor, **{**defaults, **values})


class CustomerValues(factory.DictFactory):
    first_name = factory.Faker("first_name", locale="fr_CA")
    last_name = factory.Faker("last_name", locale="fr_CA")
    email = factory.Sequence(lambda n: f"client{n}@courriel.ca")
    postal_code = "J1H 5N4"
