"""Request and response shapes of the HTTP API (they become the OpenAPI schema)."""

from service.api.schemas.common import AppliedFiltersOut, ErrorBody, GoalRefOut, ValueOut
from service.api.schemas.compare import BudgetOut, GoalsOut, IndicatorsOut
from service.api.schemas.search import (
    AskFilters,
    AskIn,
    AskOut,
    DocumentOut,
    FacetsOut,
    HealthOut,
    ReloadOut,
    SearchOut,
)

__all__ = [
    "AppliedFiltersOut",
    "AskFilters",
    "AskIn",
    "AskOut",
    "BudgetOut",
    "DocumentOut",
    "ErrorBody",
    "FacetsOut",
    "GoalRefOut",
    "GoalsOut",
    "HealthOut",
    "IndicatorsOut",
    "ReloadOut",
    "SearchOut",
    "ValueOut",
]
