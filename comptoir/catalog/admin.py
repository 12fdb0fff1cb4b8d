from django.contrib import admin

from comptoir.catalog.models import Product
from comptoir.catalog.services import PRODUCT_FIELDS, product_create, product_update


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
