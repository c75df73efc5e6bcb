"""Grade tables for the coupling degree C and the coordination degree D, stored as data.

A table is a JSON file with ``id``, ``variable`` (C or D), ``closure`` (``left-open``:
intervals (lower, upper] with the first also holding its lower bound; ``left-closed``:
[lower, upper) with the last also holding its upper bound), ``source``, ``classes``
(``lower, upper, zh, en``) and optional ``points`` (exact values that are a class of
their own, such as C = 1 "symbiosis"). Shipped tables: ``d10`` (default, 10 grades),
``c4`` (C stages), ``esp2021``, ``scirep2024``, ``scirep2024_c``, ``xu2020``. A path to
a user's JSON file in the same format works everywhere a name does.

Example
-------
>>> from geocouple.grades import load_grades
>>> t = load_grades("d10")
>>> t.classify([0.05, 0.25, 0.3, 1.0]).en
['extreme imbalance', 'moderate imbalance', 'moderate imbalance', 'high-quality coordination']
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .errors import ConfigError, InputError


@dataclass(frozen=True)
class Classified:
    """Grade codes (1 = lowest class, 0 = a point class or NaN input) and labels."""

    code: list
    zh: list
    en: list


@dataclass(frozen=True)
class GradeTable:
    id: str
    variable: str
    closure: str
    source: str
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    zh: tuple[str, ...]
    en: tuple[str, ...]
    points: tuple[tuple[float, str, str], ...] = ()
    note: str = ""

    def __repr__(self) -> str:
        return f"GradeTable({self.id!r}: {len(self.lower)} classes of {self.variable}, {self.closure}; {self.source})"

    def classify(self, values) -> Classified:
        """Classify values; a value outside the table's range is an error."""
        v = np.asarray(values, dtype=float).reshape(-1)
        lo, hi = np.array(self.lower), np.array(self.upper)
        if self.closure == "left-open":
            k = np.searchsorted(hi, v, side="left")  # first upper >= v
            k = np.where(v == lo[0], 0, k)
        else:
            k = np.searchsorted(lo, v, side="right") - 1  # last lower <= v
            k = np.where(v == hi[-1], len(lo) - 1, k)
        outside = np.isfinite(v) & ((v < lo[0]) | (v > hi[-1]))
        if outside.any():
            raise InputError(
                f"grade table {self.id!r} covers {self.variable} in [{lo[0]:g}, {hi[-1]:g}]; "
                f"{v[outside][0]:g} was given"
            )
        rows = []
        for value, kk in zip(v, k):
            point = next((p for p in self.points if value == p[0]), None)
            if not np.isfinite(value):
                rows.append((0, "", ""))
            elif point:
                rows.append((0, point[1], point[2]))
            else:
                rows.append((int(kk) + 1, self.zh[kk], self.en[kk]))
        codes, zh, en = (list(col) for col in zip(*rows)) if rows else ([], [], [])
        return Classified(codes, zh, en)

    def to_dict(self) -> dict:
        return {"id": self.id, "variable": self.variable, "closure": self.closure, "source": self.source}


def available_grades() -> list[str]:
    """Names of the shipped grade tables."""
    folder = resources.files("geocouple") / "data" / "grades"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def load_grades(name_or_path) -> GradeTable:
    """Load a shipped table by name or a user's JSON file by path."""
    if isinstance(name_or_path, GradeTable):
        return name_or_path
    text_name = str(name_or_path)
    if text_name in available_grades():
        res = resources.files("geocouple") / "data" / "grades" / f"{text_name}.json"
        return _from_dict(json.loads(res.read_text(encoding="utf-8")), text_name)
    path = Path(text_name)
    if path.suffix.lower() == ".json" and not path.exists():
        raise InputError(f"{path}: grade table file not found")
    if path.suffix.lower() == ".json":
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not a valid JSON grade table ({exc})") from None
        return _from_dict(spec, str(path))
    close = difflib.get_close_matches(text_name, available_grades(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ConfigError(
        f"grade table needs to be one of {', '.join(available_grades())} or a path to a .json file; "
        f"{text_name!r} was given instead{hint}"
    )


def _from_dict(spec: dict, where: str) -> GradeTable:
    try:
        classes = spec["classes"]
        lower = tuple(float(c["lower"]) for c in classes)
        upper = tuple(float(c["upper"]) for c in classes)
        zh = tuple(str(c.get("zh") or c["en"]) for c in classes)
        en = tuple(str(c.get("en") or c["zh"]) for c in classes)
        points = tuple(
            (float(p["value"]), str(p.get("zh") or p["en"]), str(p.get("en") or p["zh"]))
            for p in spec.get("points", [])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"{where}: a grade table needs 'classes' with lower, upper and a zh or en label ({exc!r} is missing or wrong)"
        ) from None
    closure = spec.get("closure", "left-open")
    if closure not in ("left-open", "left-closed"):
        raise InputError(f"{where}: 'closure' needs to be 'left-open' or 'left-closed'; {closure!r} was given instead")
    if not classes:
        raise InputError(f"{where}: a grade table needs at least one class")
    for i, (lo, hi) in enumerate(zip(lower, upper)):
        if not lo < hi:
            raise InputError(f"{where}: class {i + 1} needs lower < upper; ({lo:g}, {hi:g}) was given")
        if i and lo != upper[i - 1]:
            raise InputError(
                f"{where}: class {i + 1} needs to start where class {i} ends ({upper[i - 1]:g}); it starts at {lo:g}"
            )
    return GradeTable(
        id=str(spec.get("id", where)),
        variable=str(spec.get("variable", "D")),
        closure=closure,
        source=str(spec.get("source", "user table")),
        lower=lower,
        upper=upper,
        zh=zh,
        en=en,
        points=points,
        note=str(spec.get("note", "")),
    )
