"""Keep each organisation's group in step with its members: a user is in exactly the group of
the organisation they belong to, and in no other organisation group."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User


@receiver(post_save, sender=User)
def sync_organization_group(sender, instance: User, **kwargs) -> None:
    org_groups = Group.objects.filter(organization__isnull=False)
    wanted = instance.organization.group_id if instance.organization is not None else None
    stale = instance.groups.filter(pk__in=org_groups)
    if wanted is not None:
        stale = stale.exclude(pk=wanted)
    if stale.exists():
        instance.groups.remove(*stale)
    if wanted is not None and not instance.groups.filter(pk=wanted).exists():
        instance.groups.add(wanted)
