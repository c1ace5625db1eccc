"""The sample's directory on sys.path, so the tests import its modules as `agent.py` does."""

from __future__ import annotations

import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent

if str(SAMPLE) not in sys.path:
    sys.path.insert(0, str(SAMPLE))
