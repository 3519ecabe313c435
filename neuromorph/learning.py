"""The learning-rule language: sum-of-products rules as strings, parsed into integer terms.

A rule is what Loihi's learning engine runs and Lava writes as ``dw`` strings::

    dw = "2^-2*x1*y0 - 2^-2*y1*x0"

a sum of products. Each product has exactly one **dependency** — ``x0`` (the pre neuron
spiked this step), ``y0`` (the post neuron spiked) or ``u0`` (every step) — a **scale**
(integers and powers of two ``2^k`` multiplied together: mantissa × 2^exponent) and up to
three **factors**: the pre traces ``x1``, ``x2``, the post traces ``y1``, ``y2``, ``y3``, the
weight ``w``, each optionally shifted by an integer constant, ``(x1 + 2)``, ``(w - 100)``.
The engine's integer rule is docs/hardware-model.md §3.5; this module only parses (no
``eval``) and checks, and gives each term's float value for the float twin.

Nothing here imports numba: the reference's twin and the compiler both read it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .errors import ParameterError, check_integer

DEPENDENCIES = ("y0", "x0", "u0")
"""In the order the engine applies them within a step (§3.5): post spikes, pre spikes, every step."""
FACTORS = ("x1", "x2", "y1", "y2", "y3", "w")
"""Factor names; their codes in the engine's tables are their position + 1."""
TRACES = ("x1", "x2", "y1", "y2", "y3")
MAX_FACTORS = 3
MANT_BITS = 16          # signed scale mantissa: |mant| < 2**15
EXP_RANGE = (-30, 8)
CONST_MAX = 127         # |C| in (f + C)

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+)|(?P<name>[a-z][a-z0-9]*)|(?P<op>[-+*^()]))")


class RuleError(ParameterError):
    """A rule string that does not parse; the message points at the offending token."""

    def __init__(self, rule: str, pos: int, problem: str, context: str = ""):
        super().__init__(context or "rule", rule, problem)
        self.column = pos + 1
        ValueError.__init__(self, f"{context or 'rule'}: {problem} at column {pos + 1}:\n    {rule}\n    {' ' * pos}^")


@dataclass(frozen=True)
class Term:
    """One product: ``sign·mant · 2^exp · dep · Π (factor + const)``. ``factors`` are
    ``(name, const)`` pairs in the order written."""

    dep: str
    mant: int
    exp: int
    factors: tuple[tuple[str, int], ...]

    def float_value(self, values: dict) -> float:
        """The term's real value given each factor's real value (traces in spike units, w in
        register units); the dependency is assumed to hold."""
        v = self.mant * 2.0 ** self.exp
        for name, c in self.factors:
            v *= values[name] + c
        return v

    def __str__(self) -> str:
        parts = [str(self.mant)] + ([f"2^{self.exp}"] if self.exp else [])
        parts += [f"({n} {'+' if c > 0 else '-'} {abs(c)})" if c else n for n, c in self.factors] + [self.dep]
        return "*".join(parts)


def parse_rule(rule: str, context: str = "dw") -> tuple[Term, ...]:
    """Parse a sum-of-products rule string into its terms (see the module docstring).

    Raises :class:`RuleError` naming the token and its column for anything else."""
    if not isinstance(rule, str):
        raise ParameterError(context, rule, "a rule string such as '2^-2*x1*y0 - 2^-2*y1*x0'")
    toks = []
    pos = 0
    while pos < len(rule):
        m = _TOKEN.match(rule, pos)
        if not m or m.end() == pos:
            if rule[pos:].strip() == "":
                break
            bad = pos + len(rule[pos:]) - len(rule[pos:].lstrip())
            raise RuleError(rule, bad, f"unexpected character {rule[bad]!r}", context)
        kind = m.lastgroup
        start = m.start(kind)
        toks.append((kind, m.group(kind), start))
        pos = m.end()
    toks.append(("end", "", len(rule)))
    i = 0

    def peek():
        return toks[i]

    def take(kind=None, value=None, what=""):
        nonlocal i
        k, v, p = toks[i]
        if (kind and k != kind) or (value is not None and v != value):
            got = "the end of the rule" if k == "end" else repr(v)
            raise RuleError(rule, p, f"expected {what or value or kind}, got {got}", context)
        i += 1
        return v, p

    def integer():
        sign = 1
        if peek()[1] in "+-" and peek()[0] == "op":
            sign = -1 if take()[0] == "-" else 1
        v, p = take("num", what="an integer")
        return sign * int(v), p

    terms = []
    sign = 1
    if peek()[0] == "op" and peek()[1] in "+-":
        sign = -1 if take()[0] == "-" else 1
    while True:
        mant, exp, dep, factors = sign, 0, None, []
        t_start = peek()[2]
        while True:
            k, v, p = peek()
            if k == "num":
                take()
                if peek() == ("op", "^", peek()[2]):
                    take()
                    if int(v) != 2:
                        raise RuleError(rule, p, f"only powers of 2 are scales (got {v}^...)", context)
                    e, _ = integer()
                    exp += e
                else:
                    mant *= int(v)
            elif k == "name":
                take()
                if v in DEPENDENCIES:
                    if dep is not None:
                        raise RuleError(rule, p, f"a second dependency {v!r} (a product has one of x0, y0, u0)",
                                        context)
                    dep = v
                elif v in FACTORS:
                    factors.append((v, 0, p))
                else:
                    raise RuleError(rule, p, f"unknown name {v!r} (dependencies: {', '.join(DEPENDENCIES)}; "
                                             f"factors: {', '.join(FACTORS)})", context)
            elif k == "op" and v == "(":
                take()
                name, p2 = take("name", what="a factor name")
                if name not in FACTORS:
                    raise RuleError(rule, p2, f"unknown factor {name!r} in parentheses (factors: "
                                              f"{', '.join(FACTORS)})", context)
                op, p3 = take("op", what="'+' or '-'")
                if op not in "+-":
                    raise RuleError(rule, p3, f"expected '+' or '-', got {op!r}", context)
                c, pc = integer()
                c = -c if op == "-" else c
                if abs(c) > CONST_MAX:
                    raise RuleError(rule, pc, f"constant {c} beyond +-{CONST_MAX}", context)
                take("op", ")", "')'")
                factors.append((name, c, p2))
            else:
                got = "the end of the rule" if k == "end" else repr(v)
                raise RuleError(rule, p, f"expected a number, 2^k, a dependency or a factor, got {got}", context)
            if peek()[0] == "op" and peek()[1] == "*":
                take()
                continue
            break
        if dep is None:
            raise RuleError(rule, t_start, "this product has no dependency (x0, y0 or u0)", context)
        if len(factors) > MAX_FACTORS:
            raise RuleError(rule, factors[MAX_FACTORS][2], f"more than {MAX_FACTORS} factors in one product", context)
        if not -(1 << (MANT_BITS - 1)) <= mant < 1 << (MANT_BITS - 1):
            raise RuleError(rule, t_start, f"scale mantissa {mant} beyond the signed {MANT_BITS}-bit range "
                                           f"(use 2^k for powers of two)", context)
        if not EXP_RANGE[0] <= exp <= EXP_RANGE[1]:
            raise RuleError(rule, t_start, f"scale exponent {exp} outside {list(EXP_RANGE)}", context)
        terms.append(Term(dep, mant, exp, tuple((n, c) for n, c, _ in factors)))
        k, v, p = peek()
        if k == "end":
            break
        if k == "op" and v in "+-":
            take()
            sign = -1 if v == "-" else 1
            continue
        raise RuleError(rule, p, f"expected '+', '-' or the end of the rule, got {v!r}", context)
    return tuple(terms)


@dataclass(frozen=True)
class TraceRegisters:
    """One trace of the engine (§3.5): per-step factor ``decay / 2**trace_decay_bits`` and
    the ``impulse`` a spike adds (trace LSBs; ``None``: one spike = ``2**trace_frac_bits``)."""

    decay: int
    impulse: int | None = None

    def __post_init__(self):
        check_integer("decay", self.decay, "TraceRegisters")
        if self.impulse is not None:
            check_integer("impulse", self.impulse, "TraceRegisters")


@dataclass(frozen=True)
class LearningRule:
    """A programmable learning rule in hardware integers (docs/hardware-model.md §3.5).

    ``dw``: the weight rule, a sum-of-products string (:func:`parse_rule`); ``w_lo``/``w_hi``
    clip the plastic weight register; ``x1``, ``x2`` (pre) and ``y1``, ``y2``, ``y3`` (post) are
    the traces the rule reads (each a :class:`TraceRegisters`; every trace the rule names
    must be given, unused ones may be left ``None``)."""

    dw: str
    w_lo: int
    w_hi: int
    x1: TraceRegisters | None = None
    x2: TraceRegisters | None = None
    y1: TraceRegisters | None = None
    y2: TraceRegisters | None = None
    y3: TraceRegisters | None = None

    def __post_init__(self):
        check_integer("w_lo", self.w_lo, "LearningRule")
        check_integer("w_hi", self.w_hi, "LearningRule")
        if not self.w_hi >= self.w_lo:
            raise ParameterError("w_hi", self.w_hi, f">= w_lo = {self.w_lo}", "LearningRule")
        used = {n for t in self.terms for n, _ in t.factors}
        for name in TRACES:
            tr = getattr(self, name)
            if name in used and tr is None:
                raise ParameterError(name, None, f"a TraceRegisters (the rule {self.dw!r} reads {name})",
                                     "LearningRule")
            if tr is not None and not isinstance(tr, TraceRegisters):
                raise ParameterError(name, type(tr).__name__, "a TraceRegisters or None", "LearningRule")

    @property
    def terms(self) -> tuple[Term, ...]:
        return parse_rule(self.dw, "dw")

    def traces(self) -> dict[str, TraceRegisters]:
        """The traces this rule keeps (given ones), by name."""
        return {n: getattr(self, n) for n in TRACES if getattr(self, n) is not None}

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "LearningRule":
        kw = dict(d)
        for n in TRACES:
            if kw.get(n) is not None:
                kw[n] = TraceRegisters(**kw[n])
        return cls(**kw)


def pair_rule(stdp) -> LearningRule:
    """Pair STDP (``STDPRegisters``) as an engine rule: the same bits (§3.5):
    ``a_plus·2^-s·x1·y0 + a_minus·2^-s·y1·x0``."""
    s = stdp.learn_shift
    scale = f"*2^-{s}" if s else ""
    return LearningRule(dw=f"{stdp.a_plus}{scale}*x1*y0 + {stdp.a_minus}{scale}*y1*x0".replace("+ -", "- "),
                        w_lo=stdp.w_lo, w_hi=stdp.w_hi, x1=TraceRegisters(stdp.x_decay),
                        y1=TraceRegisters(stdp.y_decay))


def as_rule(plasticity) -> LearningRule | None:
    """The engine rule of a projection's register-level ``plasticity`` (None stays None)."""
    if plasticity is None or isinstance(plasticity, LearningRule):
        return plasticity
    return pair_rule(plasticity)
