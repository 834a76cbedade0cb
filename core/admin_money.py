"""Money in the admin: the models keep integer tiyin, people read and type so'm (core.money).

A ModelAdmin or inline names its tiyin columns in `money_fields`; the mixin then
- edits them with `SomFormField` ("600 000" with a so'm suffix, parsed back to tiyin),
- shows them as "600 000 so'm" in the changelist and wherever they are read-only (change pages,
  inlines), through a `<name>_som` column it adds, because Django renders a model field's own name
  as the bare integer."""

from __future__ import annotations

from django import forms
from django.core import validators
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextInputWidget

from core.money import SOM, format_amount, parse_som, som_digits

EMPTY = "—"


class SomInput(UnfoldAdminTextInputWidget):
    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"suffix": SOM, "inputmode": "decimal", **(attrs or {})})


class SomFormField(forms.Field):
    """Typed in so'm ("600 000", "600000", "1 250,50"), cleaned to tiyin."""

    widget = SomInput
    default_error_messages = {"invalid": _("Enter an amount in so'm, for example 600 000.")}

    def __init__(self, *, min_value=None, max_value=None, step_size=None, **kwargs) -> None:
        kwargs["help_text"] = ""  # the model's help text speaks of tiyin; the suffix says so'm
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(validators.MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(validators.MaxValueValidator(max_value))

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_som(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return som_digits(value) if isinstance(value, int) else value


def som_column(name: str, label):
    """A read-only column or field showing the model field `name` in so'm."""

    def show(obj) -> str:
        value = getattr(obj, name)
        return EMPTY if value is None else format_amount(value)

    show.short_description = capfirst(label)
    show.admin_order_field = name
    return show


def som_name(name: str) -> str:
    return f"{name}_som"


class SomAdminMixin:
    """Put before Unfold's ModelAdmin / TabularInline; set `money_fields` to the tiyin fields."""

    money_fields: tuple[str, ...] | list[str] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.money_fields:
            label = self.model._meta.get_field(name).verbose_name
            setattr(self, som_name(name), som_column(name, label))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.money_fields:
            return db_field.formfield(form_class=SomFormField, widget=SomInput)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_list_display(self, request):
        return self._in_som(super().get_list_display(request), self.money_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.with_som_twins(super().get_readonly_fields(request, obj))

    def with_som_twins(self, readonly) -> list:
        """Read-only names plus the so'm twin of each money field among them. The raw name stays, so
        the form leaves the field out; the page shows the twin. An admin that overrides
        get_readonly_fields without calling super passes its answer through this."""
        names = list(readonly)
        return names + [som_name(n) for n in names if n in self.money_fields]

    def get_exclude(self, request, obj=None):
        # the twins are read-only columns, never form fields (a view-only page lists them too)
        return [*(super().get_exclude(request, obj) or []), *map(som_name, self.money_fields)]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            readonly = set(self.money_fields)  # a view-only page shows every field read-only
        else:
            shown = set(self.get_readonly_fields(request, obj))
            readonly = {name for name in self.money_fields if som_name(name) in shown}
        return [
            (title, {**options, "fields": self._in_som(options["fields"], readonly)})
            for title, options in super().get_fieldsets(request, obj)
        ]

    @staticmethod
    def _in_som(names, money) -> list:
        """`names` with each money field replaced by its so'm column, each once, order kept."""
        out = []
        for name in names:
            if isinstance(name, tuple | list):  # a row of fields in a fieldset
                out.append(tuple(SomAdminMixin._in_som(name, money)))
                continue
            shown = som_name(name) if isinstance(name, str) and name in money else name
            if shown not in out:
                out.append(shown)
        return out


class SomWhenForm(forms.ModelForm):
    """A model form with fields that hold tiyin only when another field says so (a fixed discount,
    a percent otherwise): typed and shown in so'm then, as a plain number else. Subclasses set
    `som_when = {field: predicate}`; the predicate reads the form's values (initial or cleaned) and
    `som_when_help = {field: text}` replaces the model's help text, which speaks of tiyin."""

    som_when: dict = {}
    som_when_help: dict = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, is_money in self.som_when.items():
            if name not in self.fields:
                continue
            model_field = self.fields[name]
            self.fields[name] = forms.CharField(
                label=model_field.label,
                required=model_field.required,
                help_text=self.som_when_help.get(name, ""),
            )
            value = self.initial.get(name)
            if isinstance(value, int):
                self.initial[name] = som_digits(value) if is_money(self.initial) else str(value)

    def clean(self):
        cleaned = super().clean()
        for name, is_money in self.som_when.items():
            raw = cleaned.get(name)
            if raw in (None, ""):
                continue
            try:
                cleaned[name] = parse_som(raw) if is_money(cleaned) else int(str(raw).strip())
            except ValueError:
                self.add_error(name, SomFormField.default_error_messages["invalid"])
        return cleaned


def som_when_column(name: str, is_money, label, other: str = "{}"):
    """A column showing `name` in so'm when `is_money(obj)`, else through the `other` format."""

    def show(obj) -> str:
        value = getattr(obj, name)
        if value is None:
            return EMPTY
        return format_amount(value) if is_money(obj) else other.format(value)

    show.short_description = capfirst(label)
    show.admin_order_field = name
    return show
