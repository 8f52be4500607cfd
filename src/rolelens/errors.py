"""Errors with stable codes, mapped once to CLI exit codes and HTTP statuses.

The classes are grouped by what a caller does about them:

- :class:`InputError`: the text, row, form, request, document or corpus cannot be read —
  fix the input (a batch records the line and goes on).
- :class:`SetupError`: the taxonomy or the installation cannot do what was asked (an invalid
  taxonomy, one without a ``scoping:`` or ``cv:`` block, an optional extra not installed) —
  fix the setup; retrying the same call fails the same way.
- :class:`Unavailable`: a backend or the service could not answer in time (the LLM endpoint,
  the per-request time limit) — retry later or fall back.
- :class:`NotFound`, :class:`Unauthorized`, :class:`MethodNotAllowed`: ask for something that
  exists, with the right token and method.
- :class:`OutputError`: the output folder cannot take the run — give another ``--out`` or
  ``--fresh``.
- :class:`InternalError`: a bug or an unexpected failure — report it.

The tree (``tests/test_docs.py`` checks it, parentage included, against the classes;
:func:`rolelens.render.errors.error_tree` draws it)::

    class                            code                  exit  http
    RolelensError                    error                 1     400
    ├── InputError                   input_invalid         2     400
    │   ├── EmptyInput               input_empty           2     400
    │   ├── InputTooLarge            input_too_large       2     413
    │   ├── BinaryInput              input_binary          2     415
    │   ├── EncodingError            input_encoding        2     400
    │   ├── NotJson                  row_not_json          2     400
    │   ├── NotAnObject              row_not_object        2     400
    │   ├── MissingField             row_missing_field     2     400
    │   ├── WrongType                row_wrong_type        2     400
    │   ├── LabelError               label_invalid         2     400
    │   ├── FormError                form_invalid          2     400
    │   ├── RequestInvalid           request_invalid       2     422
    │   ├── CorpusUnreadable         corpus_unreadable     2     400
    │   └── DocumentError            document_invalid      2     422
    │       ├── UnsupportedDocument  document_unsupported  2     415
    │       ├── EncryptedDocument    document_encrypted    2     422
    │       ├── BrokenDocument       document_broken       2     422
    │       ├── NeedsOcr             document_needs_ocr    2     422
    │       └── ZipBomb              document_zip_bomb     2     413
    ├── SetupError                   setup_invalid         3     500
    │   ├── TaxonomyError            taxonomy_invalid      3     500
    │   ├── ScopingUnavailable       scoping_unavailable   3     500
    │   ├── CvUnavailable            cv_unavailable        3     500
    │   └── ExtraMissing             extra_missing         3     500
    ├── Unavailable                  unavailable           1     503
    │   ├── LLMUnavailable           llm_unavailable       3     502
    │   └── TimeLimitExceeded        time_limit            1     503
    ├── NotFound                     not_found             2     404
    ├── Unauthorized                 unauthorized          2     401
    ├── MethodNotAllowed             method_not_allowed    2     405
    ├── OutputError                  output_invalid        2     500
    │   ├── ResumeConflict           resume_conflict       2     409
    │   └── OutputUnwritable         output_unwritable     2     500
    └── InternalError                internal_error        1     500
        └── RowReadFailed            row_read_failed       1     500

The library raises these and never exits or prints; adapters turn them into exit
codes, JSON error bodies or per-row error records.
"""

from __future__ import annotations

import json
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


# -- bad input: fix the input ---------------------------------------------------------------
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

    @classmethod
    def of_row(cls, exc: Exception) -> NotJson:
        """The error for a row the JSON parser refused: where in the row it broke, by
        character (the parser's own "line 2 column 1" counts the row's newline as a line,
        beside the record's ``line``, the row's place in the file)."""
        if isinstance(exc, json.JSONDecodeError):
            return cls(f"not JSON: {exc.msg} at character {exc.pos + 1} of the row")
        return cls(f"not JSON: {exc}")


class NotAnObject(InputError):
    """A JSONL line is JSON but not an object."""

    code = "row_not_object"


class MissingField(InputError):
    """A row lacks a field it needs."""

    code = "row_missing_field"


class WrongType(InputError):
    """A row's field has the wrong type."""

    code = "row_wrong_type"


class LabelError(InputError):
    """A labelled evaluation row has no usable label."""

    code = "label_invalid"


class FormError(InputError):
    """A scoping form (YAML/JSON) is not a mapping of known text fields."""

    code = "form_invalid"


class RequestInvalid(InputError):
    """An HTTP request's body or parameters do not fit the API (wrong field, wrong type)."""

    code = "request_invalid"
    http_status = 422


class CorpusUnreadable(InputError):
    """A corpus file cannot be read as its format (missing, unknown kind, corrupt), or a
    gzip ``--jsonl`` batch breaks part-way (not gzip, corrupt, cut short)."""

    code = "corpus_unreadable"


class DocumentError(InputError):
    """A CV file (PDF, DOCX) cannot be turned into text."""

    code = "document_invalid"
    http_status = 422


class UnsupportedDocument(DocumentError):
    """The file is not a format CVs are read from, or its bytes are not what its name says."""

    code = "document_unsupported"
    http_status = 415


class EncryptedDocument(DocumentError):
    """The PDF or DOCX is password-protected."""

    code = "document_encrypted"


class BrokenDocument(DocumentError):
    """The file says it is a PDF or DOCX but cannot be parsed as one."""

    code = "document_broken"


class NeedsOcr(DocumentError):
    """The PDF holds only images of text: it needs OCR before it can be read."""

    code = "document_needs_ocr"


class ZipBomb(DocumentError):
    """The DOCX would unpack to far more than its size (or the limit): refused unread."""

    code = "document_zip_bomb"
    http_status = 413


# -- setup: fix the taxonomy or the installation ----------------------------------------------
class SetupError(RolelensError):
    """The taxonomy or the installation cannot do what was asked; never raised on its own."""

    code = "setup_invalid"
    exit_code = 3
    http_status = 500


class TaxonomyError(SetupError):
    """A taxonomy file is missing, not YAML, or fails validation."""

    code = "taxonomy_invalid"


class ScopingUnavailable(SetupError):
    """The taxonomy has no ``scoping:`` block, so briefs cannot be scoped with it."""

    code = "scoping_unavailable"


class CvUnavailable(SetupError):
    """The taxonomy has no ``cv:`` block, so CVs cannot be read with it."""

    code = "cv_unavailable"


class ExtraMissing(SetupError):
    """An optional feature's packages are not installed; the message names the extra."""

    code = "extra_missing"


# -- unavailable: retry later or fall back ------------------------------------------------------
class Unavailable(RolelensError):
    """A backend or the service could not answer (in time); never raised on its own."""

    code = "unavailable"
    exit_code = 1
    http_status = 503


class LLMUnavailable(Unavailable):
    """The LLM endpoint failed (after its retries) or answered something that is not a chat
    completion; the tasks that use it fall back to the deterministic path."""

    code = "llm_unavailable"
    exit_code = 3
    http_status = 502


class TimeLimitExceeded(Unavailable):
    """The work took longer than the service's per-request time limit."""

    code = "time_limit"


# -- the request asks for what is not there or not allowed -------------------------------------
class NotFound(RolelensError):
    """No such thing: an unknown role id, or a path the service does not serve."""

    code = "not_found"
    exit_code = 2
    http_status = 404


class Unauthorized(RolelensError):
    """The service needs a bearer token and the request has none, or the wrong one."""

    code = "unauthorized"
    exit_code = 2
    http_status = 401


class MethodNotAllowed(RolelensError):
    """The path exists but not for this HTTP method."""

    code = "method_not_allowed"
    exit_code = 2
    http_status = 405


# -- output: give another folder or --fresh -----------------------------------------------------
class OutputError(RolelensError):
    """An output folder cannot take the run; never raised on its own."""

    code = "output_invalid"
    exit_code = 2
    http_status = 500


class ResumeConflict(OutputError):
    """An output folder holds a market run over other inputs or settings."""

    code = "resume_conflict"
    http_status = 409


class OutputUnwritable(OutputError):
    """An output folder cannot be made or written: the path is a file or lies under one, it
    is read-only, or the disk is full."""

    code = "output_unwritable"


# -- internal: a bug or an unexpected failure, report it ----------------------------------------
class InternalError(RolelensError):
    """An unexpected failure inside the service; the body and logs carry no input text."""

    code = "internal_error"
    exit_code = 1
    http_status = 500


class RowReadFailed(InternalError):
    """Reading one corpus row failed unexpectedly; the batch goes on without it."""

    code = "row_read_failed"
