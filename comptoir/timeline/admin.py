from django.contrib import admin

from comptoir.timeline.models import TimelineEvent


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "verb", "subject_type", "subject_id", "actor")
    list_filter = ("verb", "subject_type")
    list_select_related = ("actor", "subject_type")
    readonly_fields = ("subject_type", "subject_id", "actor", "verb", "data", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
