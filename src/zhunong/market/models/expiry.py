"""The reminders sent before a licence, certificate or test report expires: one row each, so a
reminder goes out once however often the daily check runs."""

from django.db import models


class ExpiryReminder(models.Model):
    kind = models.CharField(max_length=12)  # "credential" (a supplier's) or "certificate"
    object_id = models.PositiveBigIntegerField()
    days = models.PositiveSmallIntegerField()  # 90, 30 or 7
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "days"], name="market_expiry_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} -{self.days}"
