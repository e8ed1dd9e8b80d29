"""The public API (issue 11): ``unspin.__all__``, no module shadowed by a function."""

from __future__ import annotations

import importlib
import inspect

import unspin


def test_all_is_functions_classes_and_the_version() -> None:
    for name in unspin.__all__:
        obj = getattr(unspin, name)
        # a routine: a Python function, or a builtin one where setup.py compiled its module (mypyc)
        assert name == "__version__" or inspect.isclass(obj) or inspect.isroutine(obj), name
    assert not any(inspect.ismodule(getattr(unspin, n)) for n in unspin.__all__)
    assert "annotations" not in dir(unspin) and "logging" not in dir(unspin) and "version" not in dir(unspin)


def test_no_module_is_shadowed_by_a_function() -> None:
    import unspin.checker as c
    import unspin.differ as d
    import unspin.tracer as t

    assert c.CheckResult is unspin.CheckResult and t.TraceResult is unspin.TraceResult
    assert d.DiffResult is unspin.DiffResult
    for fn in ("check", "trace", "diff", "align"):
        assert inspect.isroutine(getattr(unspin, fn)) and not inspect.isclass(getattr(unspin, fn)), fn
    for mod in ("checker", "tracer", "differ", "aligner", "options", "pipeline", "reader", "index"):
        m = importlib.import_module(f"unspin.{mod}")
        assert not callable(m), mod


def test_stage_functions_take_an_article_or_a_string() -> None:
    text = ("The council approved the budget on Monday. It will spend 4,000 pounds on roads. "
            "The mayor said the plan was fair to every district in the city.")
    art = unspin.extract(text)
    assert isinstance(art, unspin.Article)
    ix = unspin.MemoryIndex([art])
    assert unspin.trace(text, ix).sources == ()  # the text itself is not its own source
    assert unspin.diff(text, art).changes is not None
    assert unspin.align(text, art)


def test_public_modules_are_checked_strictly() -> None:
    """Every module ``unspin.__all__`` draws from is in pyproject's strict mypy list."""
    import tomllib
    from pathlib import Path

    cfg = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    strict = {m for o in cfg["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs")
              for m in ([o["module"]] if isinstance(o["module"], str) else o["module"])}
    homes = {getattr(getattr(unspin, name), "__module__", None) for name in unspin.__all__} - {None}
    assert homes and homes <= strict, homes - strict
