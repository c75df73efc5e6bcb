"""Indicator systems: subsystems of indicators with direction and optional fixed weights.

Derived indicators are declared in the system as arithmetic expressions over panel
columns, so that nobody precomputes per-capita ratios or structure indices by hand::

    loans_pc = "loans / population"
    ts       = "ts(va_secondary, va_tertiary)"
    tl       = "theil(va_primary, va_secondary, va_tertiary, emp_primary, emp_secondary, emp_tertiary)"

Expressions allow numbers, column names, other derived names, ``+ - * / **``, and the
functions ``ts, hierarchy, vector_angle, theil, deviation`` (see :mod:`geocouple.structure`)
and ``exp, log, sqrt, abs``. Nothing else is evaluated: no attribute access, no Python.

Example
-------
>>> from geocouple.system import IndicatorSystem
>>> s = IndicatorSystem.from_dict({
...     "derived": {"gdp_pc": "gdp / population"},
...     "subsystems": [{"key": "econ", "indicators": [
...         {"column": "gdp_pc", "direction": "+"}, {"column": "unemployment", "direction": "-"}]}],
... })
>>> s.raw_columns()
['gdp', 'population', 'unemployment']
"""

from __future__ import annotations

import ast
import difflib
import operator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import structure
from .errors import ConfigError, InputError

DIRECTIONS = {"+": "+", "-": "-", "positive": "+", "negative": "-", "benefit": "+", "cost": "-"}
FUNCTIONS = {**structure.FUNCTIONS, "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs}
_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


@dataclass(frozen=True)
class Indicator:
    """One indicator: a panel or derived column, its direction and an optional fixed weight."""

    column: str
    direction: str = "+"
    weight: float | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.direction not in ("+", "-"):
            raise ConfigError(
                f"indicator {self.column!r}: direction needs to be '+' or '-'; {self.direction!r} was given instead"
            )


@dataclass(frozen=True)
class Subsystem:
    """A block of indicators summarised into one index U (e.g. innovative milieu)."""

    key: str
    indicators: tuple[Indicator, ...]
    name_zh: str = ""
    name_en: str = ""
    weighting: str | None = None

    @property
    def columns(self) -> list[str]:
        return [i.column for i in self.indicators]

    @property
    def fixed_weights(self) -> dict[str, float] | None:
        given = [i.weight is not None for i in self.indicators]
        if not any(given):
            return None
        return {i.column: float(i.weight) for i in self.indicators}

    @property
    def label_en(self) -> str:
        return self.name_en or self.key

    @property
    def label_zh(self) -> str:
        return self.name_zh or self.name_en or self.key


@dataclass(frozen=True)
class IndicatorSystem:
    """Subsystems plus derived indicators (name -> expression), in declaration order."""

    subsystems: tuple[Subsystem, ...]
    derived: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.subsystems:
            raise ConfigError("an indicator system needs at least one subsystem; none was given")
        keys = [s.key for s in self.subsystems]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ConfigError(f"subsystem keys must be unique; {sorted(dup)} appear more than once")
        for sub in self.subsystems:
            _check_subsystem(sub)
        self._parsed()  # validates every expression early

    def __repr__(self) -> str:
        parts = ", ".join(f"{s.key}[{len(s.indicators)}]" for s in self.subsystems)
        return f"IndicatorSystem({parts}; {len(self.derived)} derived)"

    @classmethod
    def from_dict(cls, spec: dict) -> IndicatorSystem:
        """Build from ``{"derived": {...}, "subsystems": [{"key", "indicators": [...]}, ...]}``."""
        subs = []
        for i, s in enumerate(spec.get("subsystems", [])):
            where = f"subsystems[{i}]"
            if "key" not in s:
                raise ConfigError(f"{where}: a 'key' is needed (e.g. key = \"milieu\")")
            inds = []
            for j, ind in enumerate(s.get("indicators", [])):
                if isinstance(ind, str):
                    ind = {"column": ind}
                if "column" not in ind:
                    raise ConfigError(f"{where}.indicators[{j}]: a 'column' is needed")
                direction = DIRECTIONS.get(str(ind.get("direction", "+")).strip().lower(), ind.get("direction"))
                inds.append(Indicator(ind["column"], direction, ind.get("weight"), ind.get("label", "")))
            subs.append(
                Subsystem(s["key"], tuple(inds), s.get("name_zh", ""), s.get("name_en", ""), s.get("weighting"))
            )
        derived = tuple((str(k), str(v)) for k, v in (spec.get("derived") or {}).items())
        return cls(tuple(subs), derived)

    def subsystem(self, key: str) -> Subsystem:
        for s in self.subsystems:
            if s.key == key:
                return s
        close = difflib.get_close_matches(key, [s.key for s in self.subsystems], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"no subsystem {key!r}{hint} (subsystems are: {', '.join(s.key for s in self.subsystems)})")

    def without(self, columns) -> IndicatorSystem:
        """The system without ``columns`` and everything derived from them.

        Used by the ``drop_indicator`` missing-value policy. A subsystem left without
        indicators, or one with fixed weights that lost an indicator, is an error.
        """
        columns = set(columns)
        if not columns:
            return self
        parsed = self._parsed()
        gone = set(columns)
        derived = list(self.derived)
        changed = True
        while changed:
            changed = False
            for name, _ in derived:
                if name not in gone and gone.intersection(_names(parsed[name])):
                    gone.add(name)
                    changed = True
        subs = []
        for sub in self.subsystems:
            kept = tuple(i for i in sub.indicators if i.column not in gone)
            lost = [i.column for i in sub.indicators if i.column in gone]
            if lost and (not kept or sub.fixed_weights):
                why = "no indicator would remain" if not kept else "its fixed weights would no longer sum to 1"
                raise InputError(f"subsystem {sub.key!r}: cannot drop {', '.join(lost)} (missing values): {why}")
            subs.append(Subsystem(sub.key, kept, sub.name_zh, sub.name_en, sub.weighting))
        return IndicatorSystem(tuple(subs), tuple((n, e) for n, e in derived if n not in gone))

    def _parsed(self) -> dict[str, ast.Expression]:
        return {name: parse_expression(name, expr) for name, expr in self.derived}

    def raw_columns(self) -> list[str]:
        """Panel columns the system reads (indicators and expression inputs, not derived names)."""
        derived = dict(self.derived)
        parsed = self._parsed()
        needed: list[str] = []

        def visit(col: str, stack: tuple) -> None:
            if col in stack:
                raise ConfigError(f"derived indicators refer to each other in a cycle: {' -> '.join((*stack, col))}")
            if col in derived:
                for name in _names(parsed[col]):
                    visit(name, (*stack, col))
            elif col not in needed:
                needed.append(col)

        for name in derived:
            visit(name, ())
        for sub in self.subsystems:
            for col in sub.columns:
                visit(col, ())
        return needed

    def derive(self, data: pd.DataFrame, where=None) -> pd.DataFrame:
        """Return ``data`` with the derived columns added (in dependency order).

        ``where`` maps an index key to a description of the source row for error messages.
        """
        out = data.copy()
        parsed = self._parsed()
        pending = dict(self.derived)
        while pending:
            ready = [n for n in pending if all(x in out.columns for x in _names(parsed[n]))]
            if not ready:
                name = next(iter(pending))
                missing = [x for x in _names(parsed[name]) if x not in out.columns and x not in pending]
                raise InputError(f"derived indicator {name!r}: column(s) {', '.join(missing)} not in the panel")
            for name in ready:
                out[name] = evaluate(name, pending.pop(name), parsed[name], out, where)
        return out


def _check_subsystem(sub: Subsystem) -> None:
    if not sub.indicators:
        raise ConfigError(f"subsystem {sub.key!r} needs at least one indicator; none was given")
    cols = sub.columns
    dup = sorted({c for c in cols if cols.count(c) > 1})
    if dup:
        raise ConfigError(f"subsystem {sub.key!r}: indicator(s) {dup} listed twice")
    given = [i.weight is not None for i in sub.indicators]
    if any(given) and not all(given):
        missing = [i.column for i in sub.indicators if i.weight is None]
        raise ConfigError(
            f"subsystem {sub.key!r}: fixed weights need to be given for every indicator or none; "
            f"missing for {', '.join(missing)}"
        )
    if all(given):
        weights = [float(i.weight) for i in sub.indicators]
        if any(w < 0 for w in weights) or abs(sum(weights) - 1.0) > 1e-6:
            raise ConfigError(
                f"subsystem {sub.key!r}: fixed weights need to be >= 0 and sum to 1; they sum to {sum(weights):.6g}"
            )


# ------------------------------------------------------------------ expressions


def parse_expression(name: str, expr: str) -> ast.Expression:
    """Parse and vet a derived-indicator expression; raise ConfigError naming it."""
    try:
        tree = ast.parse(str(expr), mode="eval")
    except SyntaxError as exc:
        raise ConfigError(f"derived indicator {name!r}: cannot parse {expr!r} ({exc.msg})") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                fname = getattr(node.func, "id", ast.unparse(node.func))
                close = difflib.get_close_matches(fname, FUNCTIONS, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ConfigError(
                    f"derived indicator {name!r}: unknown function {fname!r}{hint} "
                    f"(available: {', '.join(sorted(FUNCTIONS))})"
                )
            if node.keywords:
                raise ConfigError(f"derived indicator {name!r}: functions take positional arguments only")
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ConfigError(
                f"derived indicator {name!r}: only numbers and column names are allowed; {node.value!r} was given"
            )
        elif not isinstance(
            node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load, *_BINOPS, *_UNARY)
        ):
            raise ConfigError(f"derived indicator {name!r}: {type(node).__name__} is not allowed in {expr!r}")
    return tree


def _names(tree: ast.Expression) -> list[str]:
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return list(dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called))


def _rows(mask, index, where) -> str:
    keys = list(index[np.asarray(mask, dtype=bool)])
    shown = [where(k) if where else str(k) for k in keys[:3]]
    more = f" (and {len(keys) - 3} more)" if len(keys) > 3 else ""
    return ", ".join(shown) + more


def evaluate(name: str, expr: str, tree: ast.Expression, frame: pd.DataFrame, where=None) -> pd.Series:
    """Evaluate a parsed expression on ``frame``; errors name the column and the rows."""
    index = frame.index

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return frame[node.id].astype(float)
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](ev(node.operand))
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div):
                zero = np.broadcast_to(np.asarray(right) == 0, (len(index),))
                if zero.any():
                    raise InputError(
                        f"derived indicator {name!r} = {expr!r}: division by zero "
                        f"({ast.unparse(node.right)} is 0) at {_rows(zero, index, where)}"
                    )
            return _BINOPS[type(node.op)](left, right)
        return call(node)

    def call(node: ast.Call):
        func = FUNCTIONS[node.func.id]
        args = [ev(a) for a in node.args]
        args = [a if isinstance(a, pd.Series) else pd.Series(a, index=index) for a in args]
        try:
            result = func(*args)
        except structure.DomainError as exc:
            arg = node.args[exc.arg] if exc.arg < len(node.args) else node
            raise InputError(
                f"derived indicator {name!r}: {node.func.id}() needs {exc.need}; column "
                f"{ast.unparse(arg)!r} fails at {_rows(exc.mask, index, where)}"
            ) from None
        except ConfigError as exc:
            raise ConfigError(f"derived indicator {name!r}: {exc}") from None
        return pd.Series(np.asarray(result, dtype=float), index=index)

    with np.errstate(all="ignore"):
        result = ev(tree)
    result = pd.Series(np.broadcast_to(np.asarray(result, dtype=float), (len(index),)).copy(), index=index)
    bad = ~np.isfinite(result.to_numpy())
    if bad.any():
        raise InputError(f"derived indicator {name!r} = {expr!r} is not a finite number at {_rows(bad, index, where)}")
    return result
