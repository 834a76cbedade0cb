"""Row 12: homework file downloads took Content-Type from the student's file name (`text/html`,
`image/svg+xml`): a page in the school's origin. The type is now what the bytes were at upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.courses import make_group_with_students
from tests.factories.homework import HomeworkFactory

pytestmark = pytest.mark.django_db

PAGE = b"<html><body><script>fetch('/api/v1/auth/me')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("name,content", [("homework.html", PAGE), ("drawing.svg", SVG)])
def test_row12_downloads_are_typed_by_content(api, teacher, student, run_on_commit, name, content):
    group = make_group_with_students(teacher, [student])
    homework = HomeworkFactory(group=group, kind="file")
    with run_on_commit():
        created = api(student).upload(
            f"/homework/{homework.pk}/submissions", {"file": SimpleUploadedFile(name, content, "text/html")}
        )
    assert created.status_code == 201, created.content
    response = api(teacher).get(f"/submissions/{created.json()['id']}/file")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"  # the bytes are text, not a page
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content
