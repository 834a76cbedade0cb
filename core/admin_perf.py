"""What keeps admin pages fast on a center with 10,000 students (tests/benchmarks/bench_admin.py
measures every page): no count of a large table, and one query per select however many inline
rows show it.

- `LargeTableMixin` for changelists of tables that grow with students and time (lessons,
  attendance, invoices, ledgers, logs): pages without a total (Unfold's InfinitePaginator:
  previous/next instead of page numbers), so no request runs COUNT(*) over the table. Filters and
  search still narrow the list; 50 rows a page.
- `SharedChoicesMixin` for inlines and forms that repeat a small select (a room per schedule row):
  the options are read once per request and shared by every row's select."""

from __future__ import annotations

from unfold.paginator import InfinitePaginator


class LargeTableMixin:
    paginator = InfinitePaginator
    show_full_result_count = False
    list_per_page = 50  # rendering a row costs more than reading it: 50 keep a page well in budget
    # there is no total to offer "select all N" with; actions apply to the rows on the page
    list_disable_select_all = True


class SharedChoicesMixin:
    """Set `shared_choice_fields` to the foreign keys whose options every row repeats."""

    shared_choice_fields: tuple[str, ...] | list[str] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None or db_field.name not in self.shared_choice_fields or request is None:
            return field
        shared = request.__dict__.setdefault("_admin_shared_choices", {})
        key = (db_field.model._meta.label_lower, db_field.name)
        if key not in shared:
            shared[key] = list(field.choices)  # the query runs once, here
        field.choices = shared[key]
        return field
