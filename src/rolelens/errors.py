"""Errors with stable codes, mapped once to CLI exit codes (and later HTTP statuses).

The tree::

    RolelensError                    code            exit  http
    ├── TaxonomyError                taxonomy_invalid  3    500
    ├── InputError                   input_invalid     2    400
    │   ├── EmptyInput               input_empty       2    400
    │   ├── InputTooLarge            input_too_large   2    413
    │   ├── BinaryInput              input_binary      2    415
    │   ├── EncodingError            input_encoding    2    400
    │   ├── NotJson                  row_not_json      2    400
    │   ├── NotAnObject              row_not_object    2    400
    │   ├── MissingField             row_missing_field 2    400
    │   ├── WrongType                row_wrong_type    2    400
    │   └── FormError                form_invalid      2    400
    ├── LabelError                   label_invalid     2    400
    └── ScopingUnavailable           scoping_unavailable 3  500

The library raises these and never exits or prints; adapters turn them into exit
codes, JSON error bodies or per-row error records.
"""

from __future__ import annotations

from typing import Any, ClassVar


class RolelensError(Exception):
    """Base of every error rolelens raises on purpose."""

    code: ClassVar[str] = "error"
    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        """The error as ``{"code", "message"}`` for JSON output."""
        return {"code": self.code, "message": self.message}


class TaxonomyError(RolelensError):
    """A taxonomy file is missing, not YAML, or fails validation."""

    code = "taxonomy_invalid"
    exit_code = 3
    http_status = 500


class InputError(RolelensError):
    """A text or row cannot be read."""

    code = "input_invalid"
    exit_code = 2


class EmptyInput(InputError):
    """There is no text to read."""

    code = "input_empty"


class InputTooLarge(InputError):
    """The input is over the size limit."""

    code = "input_too_large"
    http_status = 413


class BinaryInput(InputError):
    """The input looks like binary data, not text."""

    code = "input_binary"
    http_status = 415


class EncodingError(InputError):
    """The bytes are not valid text in any encoding we accept."""

    code = "input_encoding"


class NotJson(InputError):
    """A JSONL line is not JSON."""

    code = "row_not_json"


class NotAnObject(InputError):
    """A JSONL line is JSON but not an object."""

    code = "row_not_object"


class MissingField(InputError):
    """A row lacks a field it needs."""

    code = "row_missing_field"


class WrongType(InputError):
    """A row's field has the wrong type."""

    code = "row_wrong_type"


class LabelError(RolelensError):
    """A labelled evaluation row has no usable label."""

    code = "label_invalid"
    exit_code = 2


class FormError(InputError):
    """A scoping form (YAML/JSON) is not a mapping of known text fields."""

    code = "form_invalid"


class ScopingUnavailable(RolelensError):
    """The taxonomy has no ``scoping:`` block, so briefs cannot be scoped with it."""

    code = "scoping_unavailable"
    exit_code = 3
    http_status = 500
