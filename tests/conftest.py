"""Test-wide settings: strict overflow checking is on unless a test turns it off."""

import os
import sys
from pathlib import Path

os.environ["NEUROMORPH_STRICT"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).parent))   # tests/oracle.py importable as `oracle`
