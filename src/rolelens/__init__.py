"""rolelens: which AI role a posting, CV or brief really describes, judged by the work."""

from rolelens.api import career_advice, match_cv, read_cv, read_posting, scope_brief
from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
from rolelens.core.models import Evidence, Reading, TitleReading
from rolelens.core.reader import PostingReader
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.errors import RolelensError
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.schema import Taxonomy

__version__ = "0.1.0"

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
