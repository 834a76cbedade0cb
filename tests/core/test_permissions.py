import pytest

from core.exceptions import PermissionDenied
from core.permissions import IsAdmin, IsStudent, IsTeacher, Predicate, check


def test_components_combine(admin, teacher, student):
    staff = IsAdmin | IsTeacher
    assert staff.has(admin) and staff.has(teacher) and not staff.has(student)
    assert (~IsAdmin).has(student) and not (~IsAdmin).has(admin)
    own = Predicate(lambda user, obj: obj == user.pk)
    assert (IsStudent & own).has(student, student.pk)
    assert not (IsStudent & own).has(student, -1)


def test_check_raises_403(student):
    with pytest.raises(PermissionDenied):
        check(IsAdmin, student)
    check(IsStudent, student)


def test_inactive_user_has_no_role(student):
    student.is_active = False
    assert not IsStudent.has(student)
