"""The OpenAPI schema, completed with what the engine checks and what the index holds.

Route signatures declare types and bounds; the checks the engine makes itself (a question
with words and at most `max_query_chars` characters, goal numbers, filter names) and the
values a build holds (districts, units, report types, years) are written in here, so that a
request the schema calls valid is answered, and one it calls invalid is refused. The known
values change with the build, so the schema is made again when a new build is loaded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from indexer.labels import DOC_TYPE_FILTERS
from service.engine import FILTER_NAMES, WORD_CHARACTER
from service.results import Facets
from service.settings import Settings

WORDS = WORD_CHARACTER
GOAL = r"^\s*\d{1,2}(\.\d{1,2}){0,3}\s*$"
NAMES = "|".join(FILTER_NAMES)
NOFILTER = rf"^\s*({NAMES})?\s*(,\s*({NAMES})?\s*)*$"
KNOWN = (
    "One of the values in the index (listed by /api/facets), matched ignoring case, accents "
    "and punctuation; a value the index does not hold is answered 400."
)

Schema = dict[str, Any]


def known_values(facets: Facets) -> dict[str, list[Any]]:
    return {
        "district": facets.districts,
        "unit": facets.units,
        "doc_type": facets.doc_types + list(DOC_TYPE_FILTERS),
        "year": facets.years,
    }


def install_openapi(app: FastAPI, settings: Settings, facets: Callable[[], Facets | None]) -> None:
    """Serve the completed schema, made again whenever the facets of the loaded build change."""
    made: dict[str, Any] = {}

    def openapi() -> Schema:
        current = facets()
        if made.get("facets") is not current or "schema" not in made:
            if "base" not in made:
                made["base"] = FastAPI.openapi(app)
            made["schema"] = complete(copy.deepcopy(made["base"]), settings, current)
            made["facets"] = current
        schema: Schema = made["schema"]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(schema: Schema, settings: Settings, facets: Facets | None) -> Schema:
    """Add the engine's own checks and the build's known values to `schema`."""
    known = known_values(facets) if facets is not None else {}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # A filter the build holds no value for (an index without units) can only be
            # refused, so it is left out of the schema.
            parameters = [p for p in operation.get("parameters", []) if known.get(p["name"]) != []]
            for parameter in parameters:
                if parameter.get("in") == "query":
                    _parameter(parameter, settings, known)
            if "parameters" in operation:
                operation["parameters"] = parameters
    components = schema.get("components", {}).get("schemas", {})
    if "AskIn" in components:
        question = components["AskIn"]["properties"]["question"]
        question.update(maxLength=settings.max_query_chars, pattern=WORDS)
        disable = components["AskIn"]["properties"]["disable"]
        disable["items"] = {"type": "string", "pattern": rf"^\s*({NAMES})?\s*$"}
    if "AskFilters" in components:
        properties = components["AskFilters"]["properties"]
        for name, values in known.items():
            if values:
                properties[name]["anyOf"] = [_enum(values), {"type": "null"}]
                properties[name]["description"] = KNOWN
            else:
                del properties[name]
        properties["goal"]["anyOf"] = [{"type": "string", "pattern": GOAL}, {"type": "null"}]
    return schema


def _parameter(parameter: Schema, settings: Settings, known: dict[str, list[Any]]) -> None:
    name = parameter["name"]
    values = known.get(name)
    if values is not None:
        parameter["schema"] = {**_enum(values), "title": parameter["schema"].get("title", name)}
        parameter["description"] = f"{parameter.get('description', '')} {KNOWN}".strip()
    elif name == "q" and parameter.get("required"):
        parameter["schema"].update(minLength=1, maxLength=settings.max_query_chars, pattern=WORDS)
    elif name == "q":
        for option in parameter["schema"].get("anyOf", [parameter["schema"]]):
            if option.get("type") == "string":
                option["maxLength"] = settings.max_query_chars
    elif name == "goal":
        _string_option(parameter["schema"])["pattern"] = GOAL
    elif name == "nofilter":
        _string_option(parameter["schema"])["pattern"] = NOFILTER


def _enum(values: list[Any]) -> Schema:
    kind = "integer" if all(isinstance(v, int) for v in values) else "string"
    return {"type": kind, "enum": list(values)}


def _string_option(schema: Schema) -> Schema:
    """The string branch of an optional parameter's schema (`anyOf: [string, null]`)."""
    for option in schema.get("anyOf", []):
        if option.get("type") == "string":
            option_schema: Schema = option
            return option_schema
    return schema
