"""Exceptions raised by neuromorph.

Every error names what was wrong (parameter, core, resource), the offending value
and what would have been allowed, so a user can fix the input without reading code.
"""

from __future__ import annotations


class ParameterError(ValueError):
    """A parameter is out of its allowed range or of the wrong shape/type."""

    def __init__(self, name: str, value, allowed: str, context: str = ""):
        self.name = name
        self.value = value
        self.allowed = allowed
        where = f" ({context})" if context else ""
        super().__init__(f"{name}{where} = {value!r} is out of range; allowed: {allowed}")


class CapacityError(ValueError):
    """A network does not fit the chip: names the core (or chip) and the exceeded limit."""

    def __init__(self, where: str, resource: str, needed, limit):
        self.where = where
        self.resource = resource
        self.needed = needed
        self.limit = limit
        super().__init__(f"{where}: {resource} needs {needed}, limit is {limit}")


class FileFormatError(ValueError):
    """A file is not what it claims to be: names the file, the block and what is wrong."""

    def __init__(self, path, block: str, problem: str):
        self.path = str(path)
        self.block = block
        self.problem = problem
        super().__init__(f"{path}: {block}: {problem}")


class CompileError(ValueError):
    """A network description cannot be mapped onto the chip (unsupported feature)."""


class ChipOverflowError(ArithmeticError):
    """Raised in strict mode at the first wrap or saturation of chip state."""

    def __init__(self, kind: str, core: int, neuron: int, step: int):
        self.kind = kind
        self.core = core
        self.neuron = neuron
        self.step = step
        super().__init__(f"{kind} on core {core}, neuron {neuron}, step {step} (strict mode)")


def check_range(name: str, value, lo, hi, context: str = "") -> None:
    """Raise :class:`ParameterError` unless every element of ``value`` lies in [lo, hi]."""
    import numpy as np

    arr = np.asarray(value)
    if arr.size == 0:
        return
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0]
        raise ParameterError(name, bad, f"finite values in [{lo}, {hi}]", context)
    amin, amax = arr.min(), arr.max()
    if amin < lo or amax > hi:
        bad = amin if amin < lo else amax
        raise ParameterError(name, bad.item() if hasattr(bad, "item") else bad, f"[{lo}, {hi}]", context)


def check_integer(name: str, value, context: str = ""):
    """Return ``value`` as an int64 array; raise if it holds non-integral numbers."""
    import numpy as np

    arr = np.asarray(value)
    if arr.dtype.kind in "iub":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        if np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            return arr.astype(np.int64)
    raise ParameterError(name, arr.flat[0] if arr.size else arr, "integers", context)
