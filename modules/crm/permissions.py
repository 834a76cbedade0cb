"""Who may use the front office. Leads are the admins' (the front desk's): teachers meet trial
guests on their lessons' attendance sheets, never the leads list; students and parents see nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import IsAdmin, Predicate


def _front_desk(user, obj=None) -> bool:
    return IsAdmin.has(user, obj)


CAN_MANAGE_LEADS = Predicate(_front_desk, _("The front office (leads, trials, reports) is for admins."))
CAN_CONVERT = CAN_MANAGE_LEADS
CAN_SEE_FUNNEL = CAN_MANAGE_LEADS
