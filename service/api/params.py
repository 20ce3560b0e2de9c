"""Query parameters shared by several routes (the OpenAPI schema adds what the engine checks,
see `service.api.openapi`)."""

from typing import Annotated

from fastapi import Query

District = Annotated[str | None, Query(description="Only reports of this district")]
Year = Annotated[int | None, Query(ge=1990, le=2100, description="Only reports of this year")]
DocType = Annotated[
    str | None, Query(description="Only this report type; 'tertialrapport' covers both")
]
Goal = Annotated[
    str | None,
    Query(max_length=20, description="Only passages under this goal number or the goals below"),
]
Unit = Annotated[str | None, Query(max_length=200, description="Only passages of this unit")]
NoFilter = Annotated[
    str | None,
    Query(max_length=100, description="Comma-separated filters not to read from q"),
]
Words = Annotated[str | None, Query(description="Words or a question; leave out to list all")]
CompareDistrict = Annotated[str | None, Query(description="Only this district", max_length=100)]
Limit = Annotated[int, Query(ge=1, le=100, description="Most groups to return")]
