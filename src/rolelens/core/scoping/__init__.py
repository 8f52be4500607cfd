"""Scope a business problem: brief → facts → the right hire, traced, costed, or undetermined.

The package along its jobs:

- :mod:`.scoper` — :class:`Scoper`: the procedure (cues and facts per step, the fitted layer,
  the trace, warnings, questions, pay, cost, job description and interview loop);
- :mod:`.terms` — term matching for cues (one automaton, inflections, windows, clauses);
- :mod:`.form` — a form's fields composed into the text to scope;
- :mod:`.budget` — the client's budget against the sourced cost.

Reading a form from YAML/JSON text is an adapter's job (:func:`rolelens.cli.scope.parse_form`);
fitting the layer is :mod:`rolelens.core.scoping_fit` (needs numpy).
"""

from rolelens.core.scoping.form import compose
from rolelens.core.scoping.scoper import SCOPER_VERSION, UNDETERMINED, Scoper

__all__ = ["SCOPER_VERSION", "UNDETERMINED", "Scoper", "compose"]
