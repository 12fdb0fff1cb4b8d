from django.contrib import admin

from comptoir.catalog.models import InventoryUnit, PriceList, PriceListItem, Product
from comptoir.catalog.services import (
    PRODUCT_FIELDS,
    UNIT_FIELDS,
    inventory_unit_save,
    product_create,
    product_update,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "series", "unit_price", "unit_cost", "tax_class", "active")
    list_filter = ("active", "tax_class", "series")
    search_fields = ("code", "name", "name_en")
    fields = PRODUCT_FIELDS

    def save_model(self, request, obj, form, change):
        # Through the services, so the admin obeys the same rules as the API and the import.
        values = {k: form.cleaned_data[k] for k in PRODUCT_FIELDS if k in form.cleaned_data}
        if change:
            saved = product_update(actor=request.user, product_id=obj.pk, **values)
        else:
            saved = product_create(actor=request.user, **values)
        obj.pk, obj.version = saved.pk, saved.version


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 0


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ("name", "currency", "valid_from", "valid_until", "active")
    inlines = [PriceListItemInline]


@admin.register(InventoryUnit)
class InventoryUnitAdmin(admin.ModelAdmin):
    list_display = ("serial", "year", "make", "model", "status", "lot_location", "price")
    list_filter = ("status", "make")
    search_fields = ("serial", "external_id", "make", "model")
    fields = UNIT_FIELDS

    def save_model(self, request, obj, form, change):
        # Through the service, like the API and the DMS sync.
        values = {k: form.cleaned_data[k] for k in UNIT_FIELDS if k in form.cleaned_data}
        if values.get("product") is not None:
            values["product"] = values["product"].pk
        saved = inventory_unit_save(actor=request.user, unit_id=obj.pk if change else None, **values)
        obj.pk, obj.version = saved.pk, saved.version
