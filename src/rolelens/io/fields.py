"""Where an input's text may be: the field names a JSONL row, an HTTP body and an MCP tool's
arguments share (:mod:`rolelens.inputs` builds its input models on them).

A leaf of its own, so the batch readers know the names without importing the input models,
and through them the scoping models (a tenth of ``rolelens read``'s start-up).
"""

#: where a posting's text may be, in the order a JSONL row is searched
POSTING_TEXT_FIELDS = ("description", "text")
#: where a brief's free text may be
BRIEF_TEXT_FIELDS = ("brief", "text")
#: where a CV's text may be in a JSONL row
CV_TEXT_FIELDS = ("text", "cv")
