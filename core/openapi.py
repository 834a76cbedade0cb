"""The OpenAPI document is built once per process. Building it walks every operation and its pydantic
models (3.5–10 s for this API on the loaded machine), and the routes cannot change while the process
runs, so the first build is kept, per path prefix, and served from memory afterwards.
`DocumentSchema` is the document itself: ninja's, with one name per schema (core.openapi_names)."""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from functools import wraps

from ninja.openapi.schema import OpenAPISchema

from core.openapi_errors import declare_errors
from core.openapi_names import finalize_names, generator_for


def cache_openapi_schema(api) -> None:
    """Wraps `api.get_openapi_schema` so that each (path_prefix, path_params) is built once."""
    build = api.get_openapi_schema
    built: dict[tuple, dict] = {}
    lock = threading.Lock()

    @wraps(build)
    def get_openapi_schema(*, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in built:
            with lock:  # concurrent first requests wait for one build instead of running several
                if key not in built:
                    built[key] = build(path_prefix=path_prefix, path_params=path_params)
        return built[key]

    api.get_openapi_schema = get_openapi_schema


class _Generating:
    """A model seen through `schema_generator`: ninja's OpenAPISchema calls `model_json_schema` with
    its own generator, and this is the one place to give it ours."""

    def __init__(self, model, generator):
        self._model = model
        self._generator = generator

    def __getattr__(self, name):
        return getattr(self._model, name)

    def model_json_schema(self, **kwargs):
        return self._model.model_json_schema(**{**kwargs, "schema_generator": self._generator})


class DocumentSchema(OpenAPISchema):
    """Ninja's document with names from core.openapi_names (`name_owners` maps each class name met
    to the modules defining it) and the errors of core.openapi_errors; error bodies and the answers
    of operations that drop unset or null fields are sparse (see `responses`)."""

    def __init__(self, api, path_prefix: str) -> None:
        self.name_owners: dict[str, set[str]] = defaultdict(set)
        self._generators = {
            sparse: generator_for(self.name_owners, sparse=sparse) for sparse in (False, True)
        }
        self._sparse = False
        super().__init__(api, path_prefix)
        finalize_names(self)

    def operation_details(self, operation):
        details = super().operation_details(operation)
        return declare_errors(details, operation, self.schemas, self._generators[True])

    def _generating(self, model):
        return _Generating(model, self._generators[self._sparse])

    def _create_schema_from_model(self, model, by_alias=True, remove_level=True, mode="validation"):
        return super()._create_schema_from_model(self._generating(model), by_alias, remove_level, mode)

    def _extract_parameters(self, model):
        return super()._extract_parameters(self._generating(model))

    def responses(self, operation):
        # An error body is what its exception handler put in it (a rejected import has `rows` only
        # when rows were read), so error models keep pydantic's `required`: the fields without a
        # default. So do the answers of an operation that drops unset or null fields.
        drops_fields = operation.exclude_none or operation.exclude_unset or operation.exclude_defaults
        result = {}
        for errors in (False, True):
            part = copy.copy(operation)
            part.response_models = {
                status: model
                for status, model in operation.response_models.items()
                if status is not Ellipsis and (status >= 400) == errors
            }
            if part.response_models:
                self._sparse = errors or drops_fields
                try:
                    result.update(super().responses(part))
                finally:
                    self._sparse = False
        return result
