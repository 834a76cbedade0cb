"""The admin site per branch. A branch admin's changelists, change pages, autocompletes and choices of
related objects hold only their branches' rows, exactly like the API (the rules are the modules' own:
modules/courses/branches.py, the payments, crm and payroll selectors); the director's are untouched.

Every registered model is placed in RULES here, in the one module that may import all the others (the
admin site is a read model over every module, like the dashboard). `scope_admin_site()` runs in this
app's ready(), after every admin.py was imported, and puts a scoped subclass in front of each
ModelAdmin (and its inlines). A model that is not in RULES is hidden from branch admins, and
tests/backoffice fails until it is placed."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from modules.accounts.models import User
from modules.courses.branches import branch_ids_of, is_branch_admin, people_visible_to, scope_to_branches
from modules.crm.selectors import leads_visible_to
from modules.payments.branches import scope_money
from modules.payroll.selectors import rate_list, runs_visible_to

SHARED = "shared"  # the center's catalogue (courses, holidays, rewards): branch admins read it only
DIRECTOR = "director"  # center-wide machinery and settings: not shown to branch admins at all


class Rule:
    """Limits a queryset of one model to a branch admin's branches; `branch_path` (a lookup that ends
    at a Branch) also gives the changelist its branch filter."""

    def __init__(self, limit: Callable[[QuerySet, User], QuerySet], branch_path: str | None = None):
        self.limit = limit
        self.branch_path = branch_path

    def __call__(self, qs: QuerySet, user: User) -> QuerySet:
        return self.limit(qs, user)


def through(path: str) -> Rule:
    """Rows that belong to a branch through `path` (group__branch, lesson__group__branch, ...)."""
    return Rule(lambda qs, user: scope_to_branches(qs, user, path), path if path != "pk" else None)


def people(path: str) -> Rule:
    """Rows of a person the branch admin may see (the users rule, courses.branches.people_visible_to)."""
    return Rule(lambda qs, user: qs.filter(**{f"{path}__in": people_visible_to(user).values("pk")}))


def money(**paths: str) -> Rule:
    """Money by the payments module's rule: the invoice's group, else the student's branches."""
    group = paths.get("group", "group")
    return Rule(lambda qs, user: scope_money(qs, user, **paths), f"{group}__branch")


def among(visible: Callable[[User], QuerySet], path: str = "pk", branch_path: str | None = None) -> Rule:
    """Rows whose `path` is among what a module's own selector lets the user see."""
    return Rule(lambda qs, user: qs.filter(**{f"{path}__in": visible(user).values("pk")}), branch_path)


def _resources(qs: QuerySet, user: User) -> QuerySet:
    """A group's or a lesson's material by its branch; a course's material is every branch's."""
    ids = branch_ids_of(user)
    return qs.filter(
        Q(group__branch_id__in=ids)
        | Q(lesson__group__branch_id__in=ids)
        | Q(group__isnull=True, lesson__isnull=True)
    )


ON_PAYMENT = {"group": "payment__group", "student": "payment__student_id"}

RULES: dict[str, Rule | str] = {
    "django_q.schedule": DIRECTOR,
    "django_q.success": DIRECTOR,
    "django_q.failure": DIRECTOR,
    "django_q.ormq": DIRECTOR,
    "auth.group": DIRECTOR,
    "center.systemsettings": DIRECTOR,
    "audit.auditlog": DIRECTOR,
    "accounts.user": people("pk"),
    "courses.branch": through("pk"),
    "courses.course": SHARED,
    "courses.holiday": SHARED,
    "courses.room": through("branch"),
    "courses.group": through("branch"),
    "courses.membership": through("group__branch"),
    "courses.lessonschedule": through("group__branch"),
    "lessons.lesson": through("group__branch"),
    "lessons.lessonreschedule": through("lesson__group__branch"),
    "lessons.calendarfeed": people("user"),
    "attendance.attendancerecord": through("lesson__group__branch"),
    "attendance.attendancechange": through("record__lesson__group__branch"),
    "resources.resource": Rule(_resources),
    "homework.homework": through("group__branch"),
    "homework.submission": through("homework__group__branch"),
    "homework.deadlinereminder": through("homework__group__branch"),
    "payments.payment": money(),
    "payments.paymentschedule": through("membership__group__branch"),
    "payments.paymetransaction": money(**ON_PAYMENT),
    "payments.clicktransaction": money(**ON_PAYMENT),
    "payments.uzumtransaction": money(**ON_PAYMENT),
    "payments.paymentrecord": money(group="payment__group"),
    "payments.balanceentry": money(group="payment__group"),
    "payments.studentbalance": people("student"),
    "payments.coursefiscalprofile": DIRECTOR,
    "gamification.cointransaction": people("student"),
    "gamification.studentcoin": people("student"),
    "gamification.studentachievement": people("student"),
    "gamification.redemption": people("student"),
    "gamification.reward": SHARED,
    "notifications.notification": people("user"),
    "notifications.notificationlog": people("user"),
    "notifications.notificationpreference": people("user"),
    "notifications.telegramlink": people("user"),
    # a broadcast row carries no branch (a branch admin sends theirs through the API, to their people)
    "notifications.broadcast": DIRECTOR,
    "crm.lead": among(leads_visible_to, branch_path="branch"),
    "crm.leadevent": among(leads_visible_to, "lead"),
    "crm.trialreminder": among(leads_visible_to, "lead"),
    "payroll.payrate": among(rate_list),
    "payroll.payrollrun": among(runs_visible_to, branch_path="branch"),
}

# Fields a branch admin may not change on a row they can open: who works in a branch is the director's.
DIRECTOR_FIELDS = {"courses.branch": ("staff",)}
DIRECTOR_ADDS = {"courses.branch"}  # a branch admin opens no new branch and deletes none


def rule_of(model) -> Rule | str:
    return RULES.get(model._meta.label_lower, DIRECTOR)


def limit(qs: QuerySet, user: User, rule: Rule | str | None = None) -> QuerySet:
    """`qs` as a branch admin may see it (unchanged for everyone else). Without `rule`, the rule of
    the queryset's model; a model without one (a choice such as auth's permissions) is not limited."""
    rule = rule or RULES.get(qs.model._meta.label_lower, SHARED)
    if not is_branch_admin(user):
        return qs
    if rule == DIRECTOR:
        return qs.none()
    return qs if rule == SHARED else rule(qs, user)


class _ScopedChoices:
    """Choices of related objects (selects, raw ids, many-to-many) limited like the related changelist;
    autocompletes go through the related ModelAdmin's get_queryset, which is scoped already."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None or not hasattr(field, "queryset"):
            return field
        limited = limit(field.queryset, request.user)
        if limited is field.queryset:
            return field
        field.queryset = limited
        if "_choices" in field.__dict__:
            # SharedChoicesMixin froze the options before this scoping saw them (it is further down the
            # MRO): freeze the scoped ones instead, still once a request.
            del field._choices
            shared = request.__dict__.setdefault("_admin_scoped_choices", {})
            key = (db_field.model._meta.label_lower, db_field.name)
            if key not in shared:
                shared[key] = list(field.choices)
            field.choices = shared[key]
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = limit(field.queryset, request.user)
        return field


class BranchScopedInline(_ScopedChoices):
    def get_queryset(self, request):
        return limit(super().get_queryset(request), request.user)


class BranchScopedAdmin(_ScopedChoices):
    branch_rule: Rule | str = DIRECTOR

    def _label(self) -> str:
        return self.model._meta.label_lower

    def _limited(self, request) -> bool:
        return is_branch_admin(request.user)

    def get_queryset(self, request):
        return limit(super().get_queryset(request), request.user, self.branch_rule)

    def get_list_filter(self, request):
        """The branch filter added; for a branch admin, every filter on a relation offers only the
        related rows of their own changelist (a plain one would list every branch, teacher, group)."""
        filters = list(super().get_list_filter(request))
        path = getattr(self.branch_rule, "branch_path", None)
        if path and path not in filters:
            filters.append(path)
        if not self._limited(request):
            return filters
        return [(f, RelatedOnlyFieldListFilter) if _on_relation(self.model, f) else f for f in filters]

    def has_module_permission(self, request):
        hidden = self.branch_rule == DIRECTOR and self._limited(request)
        return not hidden and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        hidden = self.branch_rule == DIRECTOR and self._limited(request)
        return not hidden and super().has_view_permission(request, obj)

    def _writable(self, request) -> bool:
        return not (self._limited(request) and self.branch_rule in (DIRECTOR, SHARED))

    def has_add_permission(self, request, *args):
        if self._label() in DIRECTOR_ADDS and self._limited(request):
            return False
        return self._writable(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._writable(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._label() in DIRECTOR_ADDS and self._limited(request):
            return False
        return self._writable(request) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if self._limited(request):
            fields += tuple(f for f in DIRECTOR_FIELDS.get(self._label(), ()) if f not in fields)
        return fields


def _on_relation(model, entry) -> bool:
    if not isinstance(entry, str):
        return False
    try:
        return get_fields_from_path(model, entry)[-1].is_relation
    except (FieldDoesNotExist, NotRelationField):
        return False


def _scoped(cls: type, mixin: type, **attrs) -> type:
    if issubclass(cls, mixin):
        return cls
    return type(cls.__name__, (mixin, cls), {"__module__": cls.__module__, **attrs})


def scope_admin_site(site: admin.AdminSite = admin.site) -> None:
    """Puts the scoped subclass in front of every registered ModelAdmin and of its inlines."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        inlines = [_scoped(inline, BranchScopedInline) for inline in cls.inlines]
        scoped = _scoped(cls, BranchScopedAdmin, branch_rule=rule_of(model), inlines=inlines)
        site._registry[model] = scoped(model, site)
