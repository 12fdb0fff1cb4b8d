from django.contrib import admin

from comptoir.leads.models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("__str__", "company", "email", "status", "owner", "created_at")
    list_filter = ("status",)
    search_fields = ("first_name", "last_name", "company", "email")
    readonly_fields = [f.name for f in Lead._meta.fields]

    def has_add_permission(self, request):
        return False  # leads are entered through the services (web, API, import), which apply the rules
