from django.db import models
from django.utils import timezone


class BaselineRow(models.Model):
    """One row written by the insert baseline view (a bare Django view doing one INSERT)."""

    payload = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "bench"

    def __str__(self):
        return self.payload
