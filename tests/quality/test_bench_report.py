"""make bench writes its measured table into docs/benchmarks.md, one section per benchmark: a subset
run replaces only its own sections and leaves the others (and the prose around them) alone."""

from __future__ import annotations

from datetime import date

from tests.benchmarks import Result
from tests.benchmarks.report import with_section, with_summary, write


def test_a_run_replaces_its_own_section_only(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nHow to run.\n")
    write({"attendance": [Result("mark", "7 queries", "<= 8", True)]}, where="postgresql", doc=doc)
    write({"payments": [Result("overdue", "3.0 s", "< 5 s", True)]}, where="postgresql", doc=doc)
    write({"attendance": [Result("mark", "9 queries", "<= 8", False)]}, where="postgresql", doc=doc)
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nHow to run.\n")
    assert "9 queries" in text and "7 queries" not in text and "MISS" in text
    assert "3.0 s" in text
    assert text.count("<!-- bench:attendance -->") == 1


def test_a_section_names_its_date_and_database():
    out = with_section("", "lessons", "| a |", on=date(2026, 12, 1), where="postgresql")
    assert "### lessons (2026-12-01, postgresql)" in out


def test_the_readme_table_is_regenerated_from_the_sections(tmp_path):
    doc, readme = tmp_path / "benchmarks.md", tmp_path / "README.md"
    readme.write_text("# X\n\n<!-- bench:summary -->\nold\n<!-- /bench:summary -->\n\nmore\n")
    rows = [Result("mark", "7 queries", "<= 8", True), Result("award", "9 s", "< 1.5 s", False)]
    write({"attendance": rows}, where="postgresql", doc=doc, readme=readme)
    text = readme.read_text()
    assert "old" not in text and text.endswith("more\n")
    assert "| attendance | " in text and "| 1 | award |" in text


def test_a_readme_without_the_markers_is_left_alone():
    assert with_summary("# X\n", "<!-- bench:a -->\n### a (d, p)\n\n|x|\n<!-- /bench:a -->") == "# X\n"
