from django import forms
from django.contrib import admin

from comptoir.core.exceptions import ApplicationError
from comptoir.messaging.models import Message, MessageTemplate
from comptoir.messaging.rendering import ALLOWED, compile_message


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["name", "channel", "language", "subject", "body", "active"]
        help_texts = {"body": ", ".join("{{ %s }}" % name for name in sorted(ALLOWED))}

    def clean(self):
        data = super().clean()
        try:  # the same check as the API: an unknown merge field never saves
            compile_message(subject=data.get("subject", ""), body=data.get("body", ""),
                            language=data.get("language") or "fr-ca")
        except ApplicationError as error:
            raise forms.ValidationError({error.field or "body": str(error.message)}) from None
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("name", "channel", "language", "active", "updated_at")
    list_filter = ("channel", "language", "active")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read only: messages are written by sending and receiving, never by hand."""

    list_display = ("created_at", "channel", "direction", "to", "subject", "status", "open_count", "click_count")
    list_filter = ("channel", "direction", "status")
    search_fields = ("to", "from_address", "subject")
    list_select_related = True
    raw_id_fields = ("customer", "lead", "opportunity", "sender", "bulk", "in_reply_to", "template")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
