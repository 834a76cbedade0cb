"""The dashboard's one write: remind a debtor. It sends the notification the payments reaction sends
for an overdue invoice (notifications' own task, through the queue), once per invoice and day: the
day is part of the notification's source, so a second click the same day notifies nobody twice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.tasks import enqueue
from modules.accounts.models import User
from modules.backoffice import dashboard as d

REMINDER_TASK = "modules.notifications.tasks.react"


@require_POST
def remind_debtor(request):
    if not request.user.has_perm("payments.change_payment"):
        raise PermissionDenied
    student_id = request.POST.get("student", "")
    student = get_object_or_404(User, pk=int(student_id) if student_id.isdigit() else 0)
    ids = list(d.overdue_invoices().filter(student=student).order_by("pk").values_list("pk", flat=True))
    if ids:
        today = d.center_today().isoformat()
        enqueue(REMINDER_TASK, "payments", which="overdue", payment_ids=ids, reminded=today)
        text = _("Reminder sent to %(name)s and their parents (%(count)s invoice(s)).")
        messages.success(request, text % {"name": student.full_name, "count": len(ids)})
    else:
        messages.warning(request, _("%(name)s owes nothing past due.") % {"name": student.full_name})
    return HttpResponseRedirect(reverse("admin:index"))
