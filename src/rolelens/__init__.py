"""rolelens: which AI role a posting, CV or brief really describes, judged by the work.

The names below load on first use (PEP 562), so ``rolelens read`` does not pay for the CV,
scoping and service modules it never touches.
"""

import typing as _typing
from importlib import import_module as _import_module

if _typing.TYPE_CHECKING:
    from rolelens.api import career_advice, match_cv, read_cv, read_posting, scope_brief
    from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
    from rolelens.core.models import Evidence, Reading, TitleReading
    from rolelens.core.reader import PostingReader
    from rolelens.core.scoping import Scoper
    from rolelens.core.scoping_models import Scoping, ScopingForm
    from rolelens.errors import RolelensError
    from rolelens.taxonomy.loader import load_taxonomy
    from rolelens.taxonomy.models import Taxonomy

from rolelens._version import __version__ as __version__

_WHERE = {
    "career_advice": "rolelens.api",
    "match_cv": "rolelens.api",
    "read_cv": "rolelens.api",
    "read_posting": "rolelens.api",
    "scope_brief": "rolelens.api",
    "CareerAdvice": "rolelens.core.cv_models",
    "CvReading": "rolelens.core.cv_models",
    "FitReport": "rolelens.core.cv_models",
    "Evidence": "rolelens.core.models",
    "Reading": "rolelens.core.models",
    "TitleReading": "rolelens.core.models",
    "PostingReader": "rolelens.core.reader",
    "Scoper": "rolelens.core.scoping",
    "Scoping": "rolelens.core.scoping_models",
    "ScopingForm": "rolelens.core.scoping_models",
    "RolelensError": "rolelens.errors",
    "load_taxonomy": "rolelens.taxonomy.loader",
    "Taxonomy": "rolelens.taxonomy.models",
}


def __getattr__(name: str) -> _typing.Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'rolelens' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = [
    "CareerAdvice",
    "CvReading",
    "Evidence",
    "FitReport",
    "PostingReader",
    "Reading",
    "RolelensError",
    "Scoper",
    "Scoping",
    "ScopingForm",
    "Taxonomy",
    "TitleReading",
    "__version__",
    "career_advice",
    "load_taxonomy",
    "match_cv",
    "read_cv",
    "read_posting",
    "scope_brief",
]
