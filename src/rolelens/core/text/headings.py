"""Line patterns that mark a heading, shared by the posting and CV section splitters."""

from __future__ import annotations

import re

# Space runs are possessive (``\s*+``) wherever a neighbour could also take spaces: a line of
# thousands of spaces must not be split every possible way (tests/hostile/test_regex_time.py).
#: A Markdown heading line ("## Requirements"); group 1 is its words.
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*+(.+?)\s*+#*+\s*+$")
