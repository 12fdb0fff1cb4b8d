from django.contrib import admin

from comptoir.walkins.models import StoreVisit


@admin.register(StoreVisit)
class StoreVisitAdmin(admin.ModelAdmin):
    list_display = ("visited_at", "customer", "salesperson", "recorded_by", "opportunity")
    list_filter = ("visited_on",)
    list_select_related = ("customer", "salesperson", "recorded_by", "opportunity")
    search_fields = ("customer__first_name", "customer__last_name", "customer__company", "notes")
    date_hierarchy = "visited_at"
    readonly_fields = [f.name for f in StoreVisit._meta.fields]

    def has_add_permission(self, request):
        return False  # walk-ins are recorded through the services (page, API), which notify the salesperson
