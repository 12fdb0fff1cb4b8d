from django import forms
from django.contrib import admin
from django.template import TemplateSyntaxError

from comptoir.quotes.documents import SANDBOX
from comptoir.quotes.models import QuoteTemplate


class QuoteTemplateForm(forms.ModelForm):
    class Meta:
        model = QuoteTemplate
        fields = ["name", "body", "is_default", "active"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            SANDBOX.from_string(body)  # the same engine as the documents: what it refuses never saves
        except TemplateSyntaxError as error:
            raise forms.ValidationError(str(error)) from None
        return body


@admin.register(QuoteTemplate)
class QuoteTemplateAdmin(admin.ModelAdmin):
    form = QuoteTemplateForm
    list_display = ("name", "is_default", "active", "updated_at")
