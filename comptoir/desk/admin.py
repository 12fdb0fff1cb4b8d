"""The desk's lists in Django's admin: lender programs with their terms inline, F&I products, fees and
rebates. The database's constraints hold here too (unique names, rates and terms in range); the
API, the imports and the demo write through desk.services."""

from django.contrib import admin

from comptoir.desk.models import DeskItem, LenderProgram, ProgramTerm


class ProgramTermInline(admin.TabularInline):
    model = ProgramTerm
    extra = 1
    fields = ("term", "apr", "residual_12000", "residual_16000", "residual_20000", "residual_24000")


@admin.register(LenderProgram)
class LenderProgramAdmin(admin.ModelAdmin):
    list_display = ("lender", "name", "kind", "condition", "makes", "valid_from", "valid_to", "active")
    list_filter = ("kind", "condition", "active", "lender")
    search_fields = ("lender", "name", "makes")
    inlines = [ProgramTermInline]


@admin.register(DeskItem)
class DeskItemAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "price", "cost", "taxable", "after_tax", "active", "position")
    list_filter = ("kind", "active", "taxable")
    search_fields = ("name",)
    filter_horizontal = ("pipelines",)
