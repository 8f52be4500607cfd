"""What the HTTP API takes in and what its errors look like (the results are the core models)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rolelens.core.scoping_models import ScopingForm


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReadRequest(_In):
    """A posting to read."""

    text: str = Field(description="the posting: plain text, Markdown or an HTML page")
    title: str | None = Field(
        default=None, description="the posting's title, when it is not the text's first line"
    )
    id: str | None = Field(default=None, description="your id for the posting, echoed back")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Machine Learning Engineer",
                    "text": "We need someone to wire GPT-4o into our support desk: prompts, "
                    "retrieval over our help-centre articles, evals. No model training.",
                }
            ]
        },
    )


class ScopeRequest(_In):
    """A brief to scope: free text, a form, or both."""

    text: str = Field(default="", description="the brief as free text (Markdown or HTML too)")
    form: ScopingForm | None = Field(default=None, description="a structured brief")
    id: str | None = Field(default=None, description="your id for the brief, echoed back")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "We want to forecast weekly demand for 400 products from five "
                    "years of sales history, to cut stock-outs."
                }
            ]
        },
    )


class ErrorDetail(BaseModel):
    """A coded error: the code is stable, the message may be reworded."""

    code: str = Field(description="stable error code (see docs/errors.md)")
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail
