from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SubmissionToken(models.Model):
    """A write form sent once (submissions.services): the token its page carried and where
    its result is. A second send of the same form finds the row and shows that result."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_token")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.token}"
