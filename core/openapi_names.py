"""Component names in the OpenAPI document: one name, one schema.

Ninja builds every operation's models separately and merges their definitions by name, so two classes
called `ScheduleCreateIn` (weekly slots, billing schedules) silently became one, and a model read in
a request (validation: defaulted fields optional) and written in a response (serialization: every
field always present) got whichever form was built last. Here each definition is first named
`<Class>~<mode>` and its owner (module + class) recorded; `finalize_names` then gives a model its
plain class name when its forms are the same, and only when they differ `<Class>Input` to the request
form and `<Class>Sparse` to the form that requires only fields without a default (error bodies).
`name_owners` lets the contract test refuse a class name two modules share."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from ninja.schema import NinjaGenerateJsonSchema

SEPARATOR = "~"
REF_PREFIX = "#/components/schemas/"
INPUT, OUTPUT, SPARSE = "validation", "serialization", "sparse"


class NamedJsonSchema(NinjaGenerateJsonSchema):
    """Names definitions `<Class>~<mode>` and records which module owns each class name.
    `always_present` marks every serialized field required: a response carries all its fields
    (null when empty) unless the operation drops unset or null ones (`SPARSE`)."""

    owners: dict[str, set[str]]  # set by generator_for, one per document build
    always_present = True

    def get_defs_ref(self, core_mode_ref):
        defs_ref = super().get_defs_ref(core_mode_ref)
        core_ref, mode = core_mode_ref
        qualified = "".join(part.rsplit(":", 1)[0] for part in re.split(r"([\][,])", core_ref))
        short = re.sub(r"(?:[^.[\]]+\.)+((?:[^.[\]]+))", r"\1", qualified)
        short = self.normalize_name(short)
        self.owners[short].add(qualified)
        tag = mode if self.always_present or mode == INPUT else SPARSE
        # the qualified name only if one build meets two classes of the same name (the test fails then)
        self._prioritized_defsref_choices[defs_ref] = [
            f"{short}{SEPARATOR}{tag}",
            f"{self.normalize_name(qualified)}{SEPARATOR}{tag}",
            defs_ref,  # pydantic remaps refs only from a name listed among the choices
        ]
        return defs_ref

    def field_is_required(self, field, total) -> bool:
        if self.mode == OUTPUT and self.always_present:
            return field.get("serialization_exclude_if") is None and not field.get("serialization_exclude")
        return super().field_is_required(field, total)


def generator_for(owners: dict[str, set[str]], *, sparse: bool = False) -> type[NamedJsonSchema]:
    """A generator class recording into `owners` (one dict per document build)."""
    return type("DocumentJsonSchema", (NamedJsonSchema,), {"owners": owners, "always_present": not sparse})


def _split(name: str) -> tuple[str, str]:
    base, _, tag = name.rpartition(SEPARATOR)
    return (base, tag) if base else (name, "")


def _refs(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            found.add(ref[len(REF_PREFIX) :])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _rename(node, names: dict[str, str]):
    if isinstance(node, dict):
        return {
            key: (
                REF_PREFIX + names.get(value[len(REF_PREFIX) :], value[len(REF_PREFIX) :])
                if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX)
                else _rename(value, names)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename(value, names) for value in node]
    return node


def _differing_bases(variants: dict[str, dict[str, dict]]) -> set[str]:
    """Class names whose forms differ, by their own fields or through a model they refer to."""
    untagged = {base: {_split(ref)[0] for ref in _refs(forms, set())} for base, forms in variants.items()}
    differ = {
        base
        for base, forms in variants.items()
        if len({json.dumps(form, sort_keys=True, default=str) for form in _strip_tags(forms)}) > 1
    }
    changed = True
    while changed:  # a model referring to a differing one differs too
        changed = False
        for base, referred in untagged.items():
            if base not in differ and referred & differ:
                differ.add(base)
                changed = True
    return differ


def _strip_tags(forms: dict[str, dict]) -> list:
    names = {}
    for form in forms.values():
        names.update({ref: _split(ref)[0] for ref in _refs(form, set())})
    return [_rename(form, names) for form in forms.values()]


def _final_name(base: str, tag: str, forms: dict[str, dict], differing: set[str]) -> str:
    if base not in differing or len(forms) == 1:
        return base
    if tag == OUTPUT or (tag == SPARSE and OUTPUT not in forms):
        return base
    return base + ("Input" if tag == INPUT else "Sparse")


def finalize_names(document: dict) -> dict:
    """Replaces `<Class>~<mode>` names by final ones throughout the document (refs and components)."""
    components = document.get("components", {}).get("schemas", {})
    variants: dict[str, dict[str, dict]] = defaultdict(dict)
    for name, definition in components.items():
        base, tag = _split(name)
        variants[base][tag] = definition
    differing = _differing_bases(variants)
    names = {
        f"{base}{SEPARATOR}{tag}" if tag else base: _final_name(base, tag, forms, differing)
        for base, forms in variants.items()
        for tag in forms
    }
    renamed = {}
    for name, definition in components.items():
        renamed.setdefault(names[name], _rename(definition, names))
    document["paths"] = _rename(document["paths"], names)
    document["components"]["schemas"] = dict(sorted(renamed.items()))
    return document
