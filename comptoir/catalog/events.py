"""The timeline verbs catalog records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "product_created": _("Produit créé"),
    "product_updated": _("Produit modifié"),
    "price_list_saved": _("Liste de prix enregistrée"),
    "catalog_item_deleted": _("Élément du catalogue supprimé"),
    "inventory_unit_saved": _("Unité enregistrée"),
    "inventory_unit_moved": _("Unité déplacée sur le terrain"),
    "inventory_unit_synced": _("Unité mise à jour par le DMS"),
    "inventory_unit_sold": _("Unité vendue"),
    "inventory_unit_released": _("Unité remise en inventaire"),
}
