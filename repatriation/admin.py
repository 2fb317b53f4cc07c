"""Platform staff adjust step templates per route here (see docs/repatriation.md)."""

from django.contrib import admin

from .models import StepTemplate, StepTemplateItem


class StepTemplateItemInline(admin.TabularInline):
    model = StepTemplateItem
    extra = 1
    ordering = ["order"]


@admin.register(StepTemplate)
class StepTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "home_country", "current_country", "is_default"]
    list_filter = ["is_default", "home_country", "current_country"]
    search_fields = ["name"]
    inlines = [StepTemplateItemInline]
