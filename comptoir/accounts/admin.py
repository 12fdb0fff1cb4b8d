from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import ApiToken, Department, Location, User
from comptoir.accounts.services import token_revoke
from comptoir.core.admin import ReferenceItemAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "department", "location", "is_active")
    list_filter = ("role", "department", "location", "is_active")
    list_select_related = ("department", "location")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "email", "photo", "language")}),
        (_("Équipe"), {"fields": ("role", "department", "location", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "department", "location")}),
    )
    readonly_fields = ("last_login", "date_joined")


admin.site.register(Department, ReferenceItemAdmin)


@admin.register(Location)
class LocationAdmin(ReferenceItemAdmin):
    list_display = ("name", "code", "city", "province", "active")
    list_editable = ("active",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Révoquer les jetons choisis"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            token_revoke(actor=request.user, token=token)
