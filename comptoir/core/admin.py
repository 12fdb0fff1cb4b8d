from django import forms
from django.contrib import admin

from comptoir.core.models import Competitor, LostReason, Media, SiteSettings, Source, Tag, TaskType
from comptoir.core.exceptions import ApplicationError
from comptoir.core.selectors import site_settings_forget
from comptoir.core.services import site_settings_clean, site_settings_update


class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "name_pl", "code", "position", "active")
    list_editable = ("position", "active")
    list_filter = ("active",)
    search_fields = ("name", "name_en", "name_pl", "code")
    exclude = ("version",)

    def has_delete_permission(self, request, obj=None):
        # Entries are deactivated, never deleted: records keep pointing at them.
        return False


for model in (Media, Source, Tag, LostReason, TaskType, Competitor):
    admin.site.register(model, ReferenceItemAdmin)


class SiteSettingsForm(forms.ModelForm):
    class Meta:
        model = SiteSettings
        exclude = ("version",)

    def clean(self):
        cleaned = super().clean()
        try:
            site_settings_clean({f: cleaned[f] for f in self.changed_data if f in cleaned})
        except ApplicationError as exc:
            raise forms.ValidationError({exc.field: str(exc.message)} if exc.field else str(exc.message))
        return cleaned


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    form = SiteSettingsForm

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The admin form goes through the same rules as the API.
        site_settings_update(actor=request.user, **{f: getattr(obj, f) for f in form.changed_data})

    def response_post_save_change(self, request, obj):
        site_settings_forget()
        return super().response_post_save_change(request, obj)
