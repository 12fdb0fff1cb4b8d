from django.contrib import admin

from comptoir.attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "customer", "opportunity", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "description", "sha256")
    list_select_related = ("customer", "opportunity", "uploaded_by")
    raw_id_fields = ("customer", "opportunity", "uploaded_by")
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False  # files come in through the card or the API, which check their kind and size
