"""Demo leads at every stage, so the board and the funnel have something to show. Idempotent: leads
are found by phone."""

from __future__ import annotations

from modules.accounts.seed import demo_user
from modules.courses.seed import demo_group
from modules.crm.models import Lead
from modules.crm.services.leads import LeadInput, lead_capture, lead_update

DEMO_LEADS = [
    ("Dilnoza", "Karimova", "+998901110001", "instagram", "new", ""),
    ("Jasur", "Toshmatov", "+998901110002", "phone_call", "contacted", ""),
    ("Malika", "Yusupova", "+998901110003", "telegram", "contacted", ""),
    ("Bekzod", "Rahimov", "+998901110004", "walk_in", "lost", "too expensive"),
    ("Nodira", "Aliyeva", "+998901110005", "referral", "lost", "schedule does not fit"),
]


def seed(stdout, *, students: int = 0) -> None:
    admin = demo_user("admin")
    course = demo_group().course
    made = 0
    for first, last, phone, source, status, reason in DEMO_LEADS:
        if Lead.objects.filter(phone=phone).exists():
            continue
        data = LeadInput(
            first_name=first, last_name=last, phone=phone, source=source, course=course, assignee=admin
        )
        lead, _ = lead_capture(data=data, actor=admin)
        if status != lead.status:
            lead_update(lead=lead, actor=admin, status=status, lost_reason=reason or None)
        made += 1
    if made:
        stdout.write(f"  created {made} demo leads")
