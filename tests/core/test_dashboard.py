from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from modules.backoffice import dashboard as d
from modules.lessons.models import Lesson
from modules.notifications.kinds import Kind
from modules.notifications.models import Notification
from modules.payments.models import Payment
from tests.factories.accounts import ParentFactory, UserFactory, link_parent
from tests.factories.attendance import AttendanceRecordFactory
from tests.factories.courses import local_dt
from tests.factories.homework import SubmissionFactory
from tests.factories.lessons import LessonFactory
from tests.factories.notifications import NotificationLogFactory
from tests.factories.payments import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def center(db):
    today = d.center_today()
    lesson = LessonFactory(starts_at=local_dt(today, time(9, 0)), topic="Present perfect")
    LessonFactory(group=lesson.group, starts_at=local_dt(today, time(15, 0)), status=Lesson.Status.CANCELLED)
    for status in ("present", "present", "late", "absent", "excused"):
        AttendanceRecordFactory(lesson=lesson, status=status)
    PaymentFactory(amount=125_000_000, status=Payment.Status.PAID, paid_at=timezone.now())
    PaymentFactory(amount=30_000_000, status=Payment.Status.OVERDUE, due_date=today - timedelta(days=20))
    PaymentFactory(amount=20_000_000, status=Payment.Status.PENDING, due_date=today - timedelta(days=1))
    PaymentFactory(amount=99_000_000, status=Payment.Status.PENDING, due_date=today + timedelta(days=5))
    SubmissionFactory(status="scored")
    SubmissionFactory(status="reviewed")
    NotificationLogFactory(status="failed")
    NotificationLogFactory(status="sent")
    return lesson


def test_figures(center):
    today = d.center_today()
    assert d.lessons_today_count() == 1
    assert [lesson.pk for lesson in d.lessons_today()] == [center.pk]
    assert d.attendance_rate(d.week_period(today)) == 75  # 3 of 4, the excused one left out
    assert d.revenue(d.month_period(today)) == 125_000_000
    assert d.overdue_total() == (50_000_000, 2)
    assert d.submissions_awaiting_review() == 1
    assert d.failed_deliveries() == 1
    weeks = d.attendance_series("week")
    assert len(weeks) == 8 and weeks[-1] == (d.week_period(today).start.date(), 75)
    assert d.revenue_series("week")[-1][1] == 125_000_000
    months = d.attendance_series("month")
    assert len(months) == 6 and months[-1] == (today.replace(day=1), 75)
    assert [m.day for m, _ in months] == [1] * 6 and months[0][0] < months[-1][0]
    assert d.revenue_series("month")[-1] == (today.replace(day=1), 125_000_000)


def test_empty_center_has_no_rate():
    assert d.attendance_rate(d.week_period(d.center_today())) is None
    assert d.overdue_total() == (0, 0)


def test_dashboard_page_shows_the_figures(client, admin, center):
    client.force_login(admin)
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Lessons today", "75%", "1 250 000 so&#x27;m", "500 000 so&#x27;m", "Failed deliveries"):
        assert text in html
    assert str(center.group) in html  # today's lessons table
    assert "Attendance by week" in html and "Revenue by week" in html


def test_sidebar_is_grouped_by_area(client, admin):
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    for area in ("People", "Teaching", "Finance", "Communication", "System"):
        assert area in html
    assert "/admin/audit/auditlog/" in html


def test_every_dashboard_link_opens_a_filtered_list(client, admin, center):
    from django.test import RequestFactory

    from modules.backoffice.admin import dashboard_callback

    client.force_login(admin)
    request = RequestFactory().get("/admin/")
    request.user = admin
    links = [kpi["href"] for kpi in dashboard_callback(request, {})["kpis"] if kpi.get("href")]
    assert len(links) >= 5
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link  # an unknown filter would redirect with ?e=1


def test_the_period_switch_moves_the_cards_and_charts_to_months(client, admin, center):
    client.force_login(admin)
    week = client.get("/admin/").content.decode()
    month = client.get("/admin/?period=month").content.decode()
    assert "Attendance by week" in week and "Attendance by month" in month
    assert "Revenue, this month" in month and "Revenue, this week" in week
    assert 'data-period="month"' in week and 'aria-current="page">Month' in month
    # an unknown period is the week, never an error
    assert "Attendance by week" in client.get("/admin/?period=year").content.decode()


def test_chart_bars_carry_their_values(client, admin, center):
    client.force_login(admin)
    html = client.get("/admin/").content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert '"75%"]' in html  # this week's attendance under its bar
    assert "1 250 000 so'm\"]" in html and '"displayYAxis": true' in html


def test_debtors_and_absences_are_listed_with_phones_to_call(client, admin, center):
    debtor = Payment.objects.get(status=Payment.Status.OVERDUE).student
    absent = center.attendance.get(status="absent").student
    parent = ParentFactory()
    link_parent(parent, debtor)
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    debtors = html.split('id="dashboard-debtors"')[1].split('id="dashboard-absences"')[0]
    assert debtor.full_name in debtors and f'href="tel:{debtor.phone}"' in debtors
    assert f'href="tel:{parent.phone}"' in debtors and "300 000 so&#x27;m" in debtors
    assert 'action="/admin/dashboard/remind/"' in debtors
    absences = html.split('id="dashboard-absences"')[1]
    assert absent.full_name in absences and f'href="tel:{absent.phone}"' in absences
    assert [d.owed for d in d.debtors()] == [30_000_000, 20_000_000]


def test_remind_sends_the_overdue_notice_once_a_day(
    client, admin, center, django_capture_on_commit_callbacks
):
    debtor = Payment.objects.get(status=Payment.Status.OVERDUE).student
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/admin/dashboard/remind/", {"student": debtor.pk})
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    notes = Notification.objects.filter(user=debtor, kind=Kind.PAYMENT_OVERDUE)
    assert notes.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/dashboard/remind/", {"student": debtor.pk})
    assert notes.count() == 1  # the same day: nobody is told twice


def test_remind_is_for_staff_who_manage_invoices(client, teacher, center):
    debtor = Payment.objects.get(status=Payment.Status.OVERDUE).student
    url = "/admin/dashboard/remind/"
    assert client.post(url, {"student": debtor.pk})["Location"].startswith("/admin/login/")
    client.force_login(teacher)
    assert client.post(url, {"student": debtor.pk}).status_code == 302  # not staff: the login page
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.post(url, {"student": debtor.pk}).status_code == 403
    assert not Notification.objects.filter(user=debtor, kind=Kind.PAYMENT_OVERDUE).exists()


def test_remind_answers_bad_input_without_an_error(client, admin, center):
    client.force_login(admin)
    assert client.post("/admin/dashboard/remind/", {"student": "abc"}).status_code == 404
    assert client.get("/admin/dashboard/remind/").status_code == 405
    nobody = UserFactory()
    assert client.post("/admin/dashboard/remind/", {"student": nobody.pk}).status_code == 302
