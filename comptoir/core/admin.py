from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from comptoir.core.models import Competitor, LostReason, Media, SiteSettings, Source, Tag, TaskType
from comptoir.core.exceptions import ApplicationError
from comptoir.core.selectors import site_settings_forget
from comptoir.core.services import DEALER_FIELDS, logo_check, site_settings_clean, site_settings_set_logo, \
    site_settings_update


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
            site_settings_clean({f: cleaned[f] for f in self.changed_data if f in cleaned and f != "dealer_logo"})
            if "dealer_logo" in self.changed_data and cleaned.get("dealer_logo"):
                logo_check(cleaned["dealer_logo"])
        except ApplicationError as exc:
            field = "dealer_logo" if exc.field == "logo" else exc.field
            raise forms.ValidationError({field: str(exc.message)} if field else str(exc.message))
        return cleaned


DEALER_ADMIN_FIELDS = (*DEALER_FIELDS, "dealer_logo")


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    form = SiteSettingsForm

    def get_fieldsets(self, request, obj=None):
        others = [f.name for f in SiteSettings._meta.fields
                  if f.editable and f.name not in ("id", "version", *DEALER_ADMIN_FIELDS)]
        # DESIGN (Running): the dealer's identity, printed on every customer document and email footer.
        return [(None, {"fields": others}), (_("Concession"), {"fields": DEALER_ADMIN_FIELDS})]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The admin form goes through the same rules as the API.
        site_settings_update(actor=request.user, **{f: getattr(obj, f) for f in form.changed_data
                                                    if f != "dealer_logo"})
        if "dealer_logo" in form.changed_data:
            site_settings_set_logo(actor=request.user, logo=form.cleaned_data["dealer_logo"] or None)

    def response_post_save_change(self, request, obj):
        site_settings_forget()
        return super().response_post_save_change(request, obj)
