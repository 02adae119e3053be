from typing import Any

from django.db import models

from mappa.core.exceptions import DirectWriteError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ServiceWrittenModel(models.Model):
    """A model only its services may write.

    Services check permissions, validate domain rules and write the audit event in the same
    transaction; a stray `obj.save()` in a view or shell would skip all three. So `save()` and
    `delete()` refuse unless the caller says `override=True`, which only services (and test
    factories) do. Bulk queryset writes are not covered: services never use them on these models.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, override: bool = False, **kwargs: Any) -> None:
        if not override:
            raise DirectWriteError(
                f"{type(self).__name__} is written by its service; call the service instead"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, override: bool = False, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not override:
            raise DirectWriteError(
                f"{type(self).__name__} is written by its service; call the service instead"
            )
        return super().delete(*args, **kwargs)
