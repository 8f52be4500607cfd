"""What rolelens takes in: one input model per kind, the same in every interface.

A posting is ``title``, its text as ``description`` or ``text``, an optional ``company``
and ``id``; a brief is ``brief`` or ``text`` and/or a ``form``; a CV is ``text`` (or a
file, which each adapter receives its own way: an upload, a path). The library's
:class:`~rolelens.service.Service`, ``rolelens read|scope --jsonl`` rows, the HTTP API and
the MCP tools all use these names, and a request that does not fit is refused with a
message naming the fields that are accepted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from rolelens.core.scoping.form import compose
from rolelens.core.scoping_models import ScopingForm
from rolelens.errors import EmptyInput, FormError
from rolelens.io.fields import BRIEF_TEXT_FIELDS as BRIEF_TEXT_FIELDS
from rolelens.io.fields import CV_TEXT_FIELDS as CV_TEXT_FIELDS
from rolelens.io.fields import POSTING_TEXT_FIELDS as POSTING_TEXT_FIELDS


class InputModel(BaseModel):
    """An input whose unknown fields are refused with the list of the accepted ones."""

    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str] = "input"
    text_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            row_id = data.get("id")
            if isinstance(row_id, int) and not isinstance(row_id, bool):
                data = {**data, "id": str(row_id)}  # a JSONL row's id may be a number
            unknown = sorted(str(k) for k in data if k not in cls.model_fields)
            if unknown:
                raise PydanticCustomError(
                    "unknown_field",
                    "unknown field(s) {unknown}; {accepted}",
                    {"unknown": ", ".join(unknown), "accepted": cls.accepted()},
                )
        return data

    @classmethod
    def accepted(cls) -> str:
        """The fields this input takes, in words (for error messages)."""
        fields = [(n, f) for n, f in cls.model_fields.items() if n not in cls.text_fields]
        needed = [" or ".join(cls.text_fields), *(n for n, f in fields if f.is_required())]
        optional = [n for n, f in fields if not f.is_required()]
        return f"a {cls.kind} takes {', '.join(needed)}, and optionally {', '.join(optional)}"

    def _one_text(self) -> str | None:
        given = [n for n in self.text_fields if getattr(self, n) is not None]
        if len(given) > 1:
            raise PydanticCustomError(
                "two_texts",
                "give the {kind}'s text once, as {fields}, not both",
                {"kind": self.kind, "fields": " or ".join(repr(n) for n in self.text_fields)},
            )
        return getattr(self, given[0]) if given else None


class PostingInput(InputModel):
    """A job posting to read."""

    kind: ClassVar[str] = "posting"
    text_fields: ClassVar[tuple[str, ...]] = POSTING_TEXT_FIELDS

    title: str | None = Field(
        default=None, description="the posting's title, when it is not the text's first line"
    )
    description: str | None = Field(
        default=None, description="the posting: plain text, Markdown or an HTML page"
    )
    text: str | None = Field(default=None, description="the same as description")
    company: str | None = Field(
        default=None, description="the employer's name, whose words are never evidence"
    )
    id: str | None = Field(default=None, description="your id for the posting, echoed back")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Machine Learning Engineer",
                    "description": "## What you will do\n- Wire GPT-4o into our support desk: "
                    "prompts, retrieval over our help-centre articles, evals.\n- No model "
                    "training: we use hosted models as they are.",
                }
            ]
        },
    )

    @model_validator(mode="after")
    def _has_text(self) -> PostingInput:
        if self._one_text() is None:
            raise PydanticCustomError(
                "missing_text", "the posting has no text: {accepted}", {"accepted": self.accepted()}
            )
        return self

    @property
    def body(self) -> str:
        """The posting's text, from whichever field held it."""
        return self.description if self.description is not None else self.text or ""


class BriefInput(InputModel):
    """A business brief to scope: free text, a form, or both."""

    kind: ClassVar[str] = "brief"
    text_fields: ClassVar[tuple[str, ...]] = BRIEF_TEXT_FIELDS

    brief: str | None = Field(
        default=None, description="the brief as free text (Markdown or HTML too)"
    )
    text: str | None = Field(default=None, description="the same as brief")
    form: ScopingForm | None = Field(default=None, description="a structured brief")
    id: str | None = Field(default=None, description="your id for the brief, echoed back")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "brief": "We want to forecast weekly demand for 400 products from five "
                    "years of sales history, to cut stock-outs."
                }
            ]
        },
    )

    @model_validator(mode="after")
    def _one(self) -> BriefInput:
        self._one_text()
        return self

    @property
    def body(self) -> str:
        """The brief's free text ('' when only a form was given)."""
        return self.brief if self.brief is not None else self.text or ""


class MatchInput(InputModel):
    """A CV (as text) and a posting to match it against."""

    kind: ClassVar[str] = "CV-to-posting match"
    text_fields: ClassVar[tuple[str, ...]] = ("text", "cv")

    text: str | None = Field(default=None, description="the CV as text")
    cv: str | None = Field(default=None, description="the same as text")
    posting: str = Field(description="the posting's text (Markdown or HTML too)")
    posting_title: str | None = Field(
        default=None, description="the posting's title, if not its first line"
    )
    redact: bool = Field(
        default=False, description="remove emails, phone numbers and addresses before reading"
    )
    id: str | None = Field(default=None, description="your id, echoed back")

    @model_validator(mode="after")
    def _has_cv(self) -> MatchInput:
        if self._one_text() is None:
            raise PydanticCustomError(
                "missing_text", "the CV is missing: {accepted}", {"accepted": self.accepted()}
            )
        return self

    @property
    def cv_text(self) -> str:
        """The CV's text, from whichever field held it."""
        return self.text if self.text is not None else self.cv or ""


class CvInput(InputModel):
    """A CV to read, as text (an upload or a local file is the adapter's other way)."""

    kind: ClassVar[str] = "CV"
    text_fields: ClassVar[tuple[str, ...]] = ("text",)

    text: str | None = Field(
        default=None, description="the CV as text (or upload it as 'file' in a form)"
    )
    redact: bool = Field(
        default=False, description="remove emails, phone numbers and addresses before reading"
    )
    id: str | None = Field(default=None, description="your id, echoed back")


class CareerInput(CvInput):
    """A CV and what its owner likes, for career advice."""

    kind: ClassVar[str] = "career question"

    likes: str = Field(default="", description="what the person enjoys, in their words")


def scoping_form(raw: Any, *, alone: bool = True) -> ScopingForm:
    """A scoping form from a decoded mapping (a YAML or JSON form file, a JSONL row's
    ``form``): known fields only, each text or a list of text. :class:`FormError` when it is
    not one; ``alone`` (no free text beside it): :class:`EmptyInput` when it says nothing to
    scope (region or budget alone are settings, not a brief)."""
    if not isinstance(raw, dict):
        raise FormError("a form holds a mapping of fields (outcome, data, volumes, ...)")
    known = set(ScopingForm.model_fields)
    unknown = sorted(str(k) for k in raw if k not in known and k != "text")
    if unknown:
        raise FormError(
            f"unknown form field(s) {', '.join(unknown)}; fields are {', '.join(sorted(known))}"
        )
    raw = dict(raw)
    if "text" in raw and "brief" not in raw:
        raw["brief"] = raw.pop("text")
    raw.pop("text", None)
    cleaned: dict[str, Any] = {}
    for k, v in raw.items():
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, str | int | float | list):
            raise FormError(f"form field {k!r} must be text")
        if isinstance(v, list):
            if not all(isinstance(x, str | int | float) and not isinstance(x, bool) for x in v):
                raise FormError(f"form field {k!r} must be text or a list of text")
            v = "; ".join(str(x) for x in v)
        cleaned[k] = str(v)
    try:
        form = ScopingForm.model_validate(cleaned)
    except ValidationError as exc:  # pragma: no cover - types are checked above
        raise FormError(str(exc)) from exc
    if alone and not compose("", form).strip():
        raise EmptyInput("the form has no filled-in field")
    return form
