"""The result models of a market run (their JSON Schemas ship with the package)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RunSummary(BaseModel):
    """What a finished run did."""

    model_config = ConfigDict(extra="forbid")

    engine: str = Field(description="local or spark")
    out: str = Field(description="the output folder")
    rows: int = Field(description="input rows, read or not")
    readings: int = Field(description="rows read")
    errors: dict[str, int] = Field(description="error code -> rows that could not be read")
    duplicates: dict[str, int] = Field(
        default_factory=dict,
        description="'exact' or 'near' -> rows left out as copies of an earlier posting",
    )
    keep_duplicates: bool = Field(
        default=False, description="true when duplicates were kept (--keep-duplicates)"
    )
    chunks: int = Field(description="chunks committed (local engine)")
    chunks_resumed: int = Field(description="chunks found committed by an earlier run")
    jobs: int = Field(description="worker processes (local) or default parallelism (spark)")
    seconds: float = Field(description="wall time of this run")
    rows_per_second: float = Field(description="rows read by this run per second")
    taxonomy_version: str
    scorer_version: str
