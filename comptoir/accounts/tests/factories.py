import factory
from django.contrib.auth.hashers import make_password

from comptoir.accounts.models import Department, Location, User

PASSWORD = "Mot-de-passe-42"


def sales_department():
    return Department.objects.get(code="sales")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Succursale {n}")
    name_en = factory.Sequence(lambda n: f"Location {n}")
    code = factory.Sequence(lambda n: f"loc-{n}")
    city = "Sherbrooke"
    province = "QC"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_CA")
    last_name = factory.Faker("last_name", locale="fr_CA")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = "salesperson"
    department = factory.LazyFunction(sales_department)
    location = factory.SubFactory(LocationFactory)
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
