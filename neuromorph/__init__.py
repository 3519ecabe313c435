"""neuromorph: a bit-exact simulator of integer neuromorphic hardware.

Importing the package is cheap: it loads the network description only. The numba
kernels compile (or load from cache) the first time a chip runs.
"""

from .network import (  # noqa: F401
    LIF, LIFRegisters, Izhikevich, STDP, STDPRegisters, SpikeTimes, RegularSpikes, PoissonSpikes,
    Network, SpikeLog, Traces, RunResult,
)

__version__ = "0.1.0"
