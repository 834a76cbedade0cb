from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogQuerySet(models.QuerySet):
    """The log is append-only: bulk updates and deletes through the ORM are refused."""

    def update(self, **kwargs):
        raise AuditLogImmutable("audit log entries cannot be changed")

    def delete(self):
        raise AuditLogImmutable("audit log entries cannot be deleted")


class AuditLogImmutable(Exception):
    pass


class AuditLog(models.Model):
    """One write: who (actor), what (action on object_type/object_id), how (changes: field ->
    [before, after], secrets masked), from where (ip, user agent, request id, source), when."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))
    # No FK constraint and DO_NOTHING: deleting a user never touches the entries that name them. No
    # index of its own either: audit_actor_time below starts with it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
        verbose_name=_("actor"),
    )
    actor_repr = models.CharField(max_length=200, blank=True, verbose_name=_("actor repr"))
    # create/update/delete, or a domain action such as "lesson.cancelled" or "attendance.marked";
    # filtered by equality only, through audit_action_time (every audited write pays for each index)
    action = models.CharField(max_length=64, verbose_name=_("action"))
    object_type = models.CharField(
        max_length=100, verbose_name=_("object type")
    )  # "app_label.model", e.g. "accounts.user"
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    object_repr = models.CharField(max_length=200, blank=True, verbose_name=_("object repr"))
    changes = models.JSONField(default=dict, blank=True, verbose_name=_("changes"))
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))
    user_agent = models.CharField(max_length=255, blank=True, verbose_name=_("user agent"))
    request_id = models.CharField(max_length=64, blank=True, verbose_name=_("request id"))
    source = models.CharField(max_length=16, blank=True, verbose_name=_("source"))  # "api", "admin" or "web"

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log")
        verbose_name_plural = _("audit logs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
        ]
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("audit log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("audit log entries cannot be deleted")
