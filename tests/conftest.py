"""Test-wide settings: strict overflow checking is on unless a test turns it off; threads engage every step."""

import os
import sys
from pathlib import Path

os.environ["NEUROMORPH_STRICT"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).parent))   # tests/oracle.py importable as `oracle`


def pytest_configure(config):
    # every test that asks for threads gets them in every step (the defaults engage threads
    # only for large steps, which the small test networks never reach)
    import neuromorph.simulator as simulator
    simulator.PARALLEL_THRESHOLDS = (0, 0)
