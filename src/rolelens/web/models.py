"""What HTTP errors look like. The inputs are :mod:`rolelens.inputs` (the same models as the
library, JSONL rows and the MCP tools); the results are the core models."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """A coded error: the code is stable, the message may be reworded."""

    code: str = Field(description="stable error code (see docs/errors.md)")
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail
