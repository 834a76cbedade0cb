"""The measured table in docs/benchmarks.md: one section per benchmark module, between markers, so a
run of a subset (`make bench BENCH_ARGS="--only attendance"`) replaces only what it measured."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
README = DOC.parents[1] / "README.md"
_SECTION = re.compile(
    r"<!-- bench:(?P<name>[\w-]+) -->\n### \S+ \((?P<on>[^)]*)\)\n\n(?P<body>.*?)\n<!-- /bench:", re.S
)
HEADERS = ("operation", "figure", "target", "result")


def table(rows) -> str:
    data = [
        (r.operation, r.figure, r.target, {True: "pass", False: "MISS", None: "-"}[r.passed]) for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(HEADERS, *data, strict=False)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=False)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) + " |" for row in data
    ]
    return "\n".join(lines)


def with_section(text: str, name: str, body: str, *, on: date, where: str) -> str:
    """`text` with the section of bench `name` replaced by `body` (appended when it is new)."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    section = f"{start}\n### {name} ({on.isoformat()}, {where})\n\n{body}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: section, text, count=1)
    return text.rstrip() + "\n\n" + section + "\n"


def write(
    results_by_bench: dict[str, list], *, where: str, doc: Path = DOC, readme: Path | None = None
) -> None:
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    for name, rows in results_by_bench.items():
        if rows:
            text = with_section(text, name, table(rows), on=date.today(), where=where)
    doc.write_text(text)
    if readme is not None and readme.exists():
        readme.write_text(with_summary(readme.read_text(), text))


def summary(doc_text: str) -> str:
    """One line per benchmark section of the doc: when and where it ran, targets met, targets missed."""
    lines = ["| benchmark | measured | targets met | missed |", "|---|---|---|---|"]
    for match in _SECTION.finditer(doc_text):
        rows = [[c.strip() for c in line.strip("|").split("|")] for line in match["body"].splitlines()[2:]]
        met = sum(1 for r in rows if r[-1] == "pass")
        missed = [r[0] for r in rows if r[-1] == "MISS"]
        lines.append(f"| {match['name']} | {match['on']} | {met} | {'; '.join(missed) or '-'} |")
    return "\n".join(lines)


def with_summary(readme_text: str, doc_text: str) -> str:
    """The README's performance table, regenerated from the doc on every `make bench`."""
    start, end = "<!-- bench:summary -->", "<!-- /bench:summary -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(readme_text):
        return readme_text
    return pattern.sub(lambda _: f"{start}\n{summary(doc_text)}\n{end}", readme_text, count=1)
