from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "country", "city", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "code", "city")
    readonly_fields = ("group", "created_at")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "organization", "role", "is_active", "last_login")
    list_filter = ("organization", "role", "is_active", "is_staff")
    list_select_related = ("organization",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Homeward"), {"fields": ("organization", "role", "preferred_language")}),
    )
    actions = ["unlock_login"]
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Homeward"), {"fields": ("email", "organization", "role", "preferred_language")}),
    )

    @admin.action(description=_("Unlock login (clear failed login attempts)"))
    def unlock_login(self, request, queryset):
        from axes.utils import reset

        from audit.models import AuditAction
        from audit.services import audit_record

        for user in queryset:
            reset(username=user.get_username())
            audit_record(
                action=AuditAction.CHANGED,
                actor=request.user,
                target=user,
                request=request,
                detail={"change": "unlocked"},
            )
        self.message_user(request, _("Unlocked %(n)d user(s).") % {"n": queryset.count()})
