"""The error tree groups errors by what a caller does about them (issue 16, item 5).

Codes, exit statuses and HTTP statuses are pinned by tests/test_docs.py against docs/errors.md;
these tests pin the groups a caller catches.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rolelens import errors
from rolelens.render.errors import error_classes, parent

SRC = Path(__file__).resolve().parents[1] / "src" / "rolelens"

GROUPS: dict[type[errors.RolelensError], set[str]] = {
    errors.SetupError: {"TaxonomyError", "ScopingUnavailable", "CvUnavailable", "ExtraMissing"},
    errors.Unavailable: {"LLMUnavailable", "TimeLimitExceeded"},
    errors.OutputError: {"ResumeConflict", "OutputUnwritable"},
    errors.InternalError: {"RowReadFailed"},
}


@pytest.mark.parametrize("group", list(GROUPS), ids=lambda g: g.__name__)
def test_errors_group_holds_what_a_caller_catches_together(
    group: type[errors.RolelensError],
) -> None:
    members = {
        cls.__name__ for cls in error_classes() if cls is not group and issubclass(cls, group)
    }
    assert members == GROUPS[group]


def test_errors_input_group_holds_every_unreadable_input() -> None:
    for cls in (errors.LabelError, errors.FormError, errors.CorpusUnreadable, errors.ZipBomb):
        assert issubclass(cls, errors.InputError)
    assert not issubclass(errors.TaxonomyError, errors.InputError)


def test_errors_every_class_has_one_parent_in_the_tree() -> None:
    for cls in error_classes():
        if cls is not errors.RolelensError:
            assert issubclass(cls, parent(cls))


def test_errors_every_setup_error_exits_3() -> None:
    setup = [cls for cls in error_classes() if issubclass(cls, errors.SetupError)]
    assert {cls.exit_code for cls in setup} == {3}


@pytest.mark.parametrize("group", ["SetupError", "Unavailable", "OutputError"])
def test_errors_group_base_is_never_raised_on_its_own(group: str) -> None:
    pattern = re.compile(rf"raise {group}\(")
    raised = [p for p in SRC.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert raised == []


def test_errors_caught_by_group_keeps_code_and_message() -> None:
    with pytest.raises(errors.SetupError) as info:
        raise errors.ExtraMissing("install the semantic extra")
    assert info.value.to_dict() == {
        "code": "extra_missing",
        "message": "install the semantic extra",
    }
