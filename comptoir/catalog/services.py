"""Writes on the catalogue: codes, prices and the name key products are matched on."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.activities.services import timeline_record
from comptoir.catalog.models import Product, TaxClass
from comptoir.catalog.selectors import product_match_key
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, NotFound
from comptoir.core.figures import money_clean
from comptoir.core.versioning import check_version, lock_rows, save_versioned

CATALOG_FORBIDDEN = _("Seul un administrateur gère le catalogue.")
CODE_TAKEN = _("Un produit porte déjà ce code.")
CODE_REQUIRED = _("Il faut un code de produit.")
NAME_REQUIRED = _("Il faut un nom de produit.")
PRICE_REQUIRED = _("Il faut un prix unitaire.")
BAD_TAX_CLASS = _("Classe de taxe inconnue : standard ou exempt.")

PRODUCT_FIELDS = ("code", "name", "name_en", "series", "unit_price", "unit_cost", "tax_class", "active")


def _apply(product: Product, values: dict) -> list[str]:
    changed = []
    for key in PRODUCT_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key in ("unit_price", "unit_cost"):
            value = money_clean(value if value != "" else None, field=key)
        elif key == "tax_class":
            value = (value or TaxClass.STANDARD).strip().lower()
            if value not in TaxClass.values:
                raise ApplicationError(BAD_TAX_CLASS, field=key)
        elif key == "active":
            value = bool(value)
        else:
            value = (value or "").strip()
        setattr(product, key, value)
        changed.append(key)
    if not product.code:
        raise ApplicationError(CODE_REQUIRED, field="code")
    if not product.name:
        raise ApplicationError(NAME_REQUIRED, field="name")
    if product.unit_price is None:
        raise ApplicationError(PRICE_REQUIRED, field="unit_price")
    product.match_key = product_match_key(product.name)
    return changed


def product_code_for(name: str) -> str:
    """A code made from a name when the source has none: 'GTX Plus Basic' → 'GTX-PLUS-BASIC'."""
    from comptoir.core.text import words

    return "-".join(words(name)).upper()[:40]


@transaction.atomic
def product_create(*, actor, **values) -> Product:
    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    product = Product()
    _apply(product, values)
    if Product.objects.filter(code__iexact=product.code).exists():
        raise Conflict(CODE_TAKEN, field="code")
    product.full_clean(validate_unique=False)
    product.save()
    timeline_record(actor=actor, subject=product, verb="product_created",
                    data={"code": product.code, "name": product.name, "unit_price": product.unit_price})
    return product


@transaction.atomic
def product_update(*, actor, product_id, version: int | None = None, **values) -> Product:
    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    rows = lock_rows(Product.objects.filter(pk=product_id))
    if not rows:
        raise NotFound()
    product = rows[0]
    check_version(product, version)
    changed = _apply(product, values)
    if "code" in changed and Product.objects.exclude(pk=product.pk).filter(code__iexact=product.code).exists():
        raise Conflict(CODE_TAKEN, field="code")
    product.full_clean(validate_unique=False)
    save_versioned(product, [*changed, "match_key", "updated_at"])
    timeline_record(actor=actor, subject=product, verb="product_updated",
                    data={k: str(getattr(product, k)) for k in changed})
    return product
