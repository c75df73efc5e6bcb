"""Every docstring example of the library runs (numpydoc examples are documentation that cannot rot)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import geocouple

MODULES = sorted(m.name for m in pkgutil.walk_packages(geocouple.__path__, "geocouple.") if not m.name.endswith("cli"))


@pytest.mark.parametrize("name", ["geocouple", *MODULES])
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
