"""A customer's search and duplicate keys and search tokens, kept on every write."""

from comptoir.core.text import normalize, words
from comptoir.customers.models import Customer, CustomerAlias, CustomerSearchToken


def customer_keys(first_name: str, last_name: str, company: str, postal_code: str) -> dict:
    """The search and duplicate keys of a customer (also used by bulk loaders, so they match)."""
    return {
        "search_name": normalize(f"{first_name} {last_name} {company}")[:420],
        "name_key": normalize(f"{first_name} {last_name}")[:210],
        "postal_key": normalize(postal_code).replace(" ", "")[:20],
    }


def customer_tokens(first_name: str, last_name: str, company: str) -> set[str]:
    return {w[:50] for w in words(f"{first_name} {last_name} {company}")}


def _refresh_keys(customer: Customer) -> None:
    keys = customer_keys(customer.first_name, customer.last_name, customer.company, customer.postal_code)
    for name, value in keys.items():
        setattr(customer, name, value)


def _save_tokens(customer: Customer) -> None:
    """The record's words and those of its other names (DESIGN: a value a merge does not show stays on
    the kept record, searchable: « Hélène Côté-Tremblay » finds « Helene Cote » that kept it)."""
    CustomerSearchToken.objects.filter(customer=customer).delete()
    tokens = customer_tokens(customer.first_name, customer.last_name, customer.company)
    for first_name, last_name, company in CustomerAlias.objects.filter(customer=customer).values_list(
            "first_name", "last_name", "company"):
        tokens |= customer_tokens(first_name, last_name, company)
    CustomerSearchToken.objects.bulk_create(CustomerSearchToken(customer=customer, token=t) for t in tokens)
