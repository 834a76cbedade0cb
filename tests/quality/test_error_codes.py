"""Every `code=` an ApplicationError is raised with can be read from the source (a literal or a
module-level constant): the per-family enums in the OpenAPI document are built from them
(core.error_codes), so a code built at run time (an f-string) would be missing from the contract."""

from __future__ import annotations

from core import error_codes


def test_every_raised_error_code_can_be_read_from_the_source():
    assert not error_codes.unresolved(), "use a literal or a module-level constant (or dict of them)"


def test_a_family_answers_with_its_own_codes_those_of_what_it_calls_and_the_generic_ones():
    lessons = set(error_codes.family_codes("lessons"))
    assert {"lesson_cancelled", "lesson_completed", "schedule_clash"} <= lessons  # its own
    assert {"group_full", "token_reused"} <= lessons  # courses and accounts, which it imports
    assert {"validation_error", "throttled", "bad_multipart", "internal_error"} <= lessons
    assert "payroll_run_frozen" not in lessons  # payroll sits above lessons and is never called
