from django.core.management import call_command
from django.db.models import Sum

from modules.attendance.models import AttendanceRecord
from modules.courses.models import Group
from modules.courses.seed_scale import SCALE_PREFIX
from modules.gamification.models import CoinTransaction, StudentCoin
from modules.homework.models import Submission
from modules.payments.models import Payment


def test_small_scale_demo_builds_a_consistent_term_once(db):
    call_command("seed_demo", students=40, verbosity=0)
    groups = Group.objects.filter(name__startswith=SCALE_PREFIX)
    assert groups.count() == 2
    records = AttendanceRecord.objects.filter(lesson__group__in=groups)
    assert records.exists()
    assert not records.filter(lesson__ends_at__gt=records.latest("marked_at").marked_at).exists()
    assert Submission.objects.filter(homework__group__in=groups).exists()
    assert Payment.objects.filter(group__in=groups).count() == 40 * 3
    scale_students = StudentCoin.objects.filter(student__email__endswith="@scale.markaz.uz")
    ledger = CoinTransaction.objects.filter(student__email__endswith="@scale.markaz.uz").aggregate(
        s=Sum("amount")
    )
    assert scale_students.aggregate(s=Sum("balance"))["s"] == ledger["s"] > 0
    before = records.count()
    call_command("seed_demo", students=40, verbosity=0)
    assert records.count() == before
