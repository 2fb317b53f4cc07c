"""The object-permission backend: ``user.has_perm("cases.change_case", case)`` answers what
the access module answers (``cases.access.perms_for``: the role allows it AND the user's
organisation holds it on the case).

It replaces django-guardian's ``ObjectPermissionBackend``, which would answer from the
organisation's group grants alone (every member is in that group), so that a liaison would
be allowed to change a case their role may not change. Guardian still stores the grants
(``cases.access.grant`` / ``revoke`` write them with its shortcuts); only the question "may
this user do X to this object" is answered here.

- A ``cases.Case`` and a permission named ``"cases.<codename>"``: role ∩ grant; inactive and
  anonymous users, users without an organisation and unknown codenames: no.
- Any other object: no. Homeward holds object permissions on cases only.
- No object: nothing here; model-level permissions stay with Django's ``ModelBackend``
  (``partners.backends.OrganizationModelBackend``), as before.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import BaseBackend
from django.db.models import Model

from . import access
from .models import Case

APP_LABEL = Case._meta.app_label


class CaseAccessBackend(BaseBackend):
    """Object permissions on cases through ``cases.access``; authenticates nobody."""

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        if not isinstance(obj, Case) or not getattr(user_obj, "is_active", False):
            return set()
        return {f"{APP_LABEL}.{p}" for p in access.perms_for(user_obj, obj)}

    async def aget_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        return await sync_to_async(self.get_all_permissions)(user_obj, obj)

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        # Named with the app label, as Django's backends answer: "change_case" alone is no.
        return perm in self.get_all_permissions(user_obj, obj)

    async def ahas_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        return await sync_to_async(self.has_perm)(user_obj, perm, obj)
