"""Build configuration beyond pyproject.toml: optional compiled code, never required.

``unspin._fastscan`` (src/unspin/_fastscan.c) speeds up ``unspin.analyze``; without a C
compiler the build skips it (``optional=True``) and unspin runs the same code in numpy,
with byte-identical results (tests/test_fastscan.py).

The diff's hot modules (``MYPYC_MODULES``) are compiled with mypyc (shipped in the pinned
``mypy`` build requirement) when a C compiler is there; see ``_MypycBuildExt``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------- the index build's C code

EXTENSIONS = [Extension("unspin._fastscan", ["src/unspin/_fastscan.c"], optional=True,
                        extra_compile_args=["-O2"])]

# ---------------------------------------------------------------------------- the diff compiled with mypyc

def mypyc_modules(init: Path) -> tuple[str, ...]:
    """``MYPYC_MODULES`` of src/unspin/__init__.py, read without importing unspin."""
    import ast

    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "MYPYC_MODULES" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise RuntimeError(f"{init}: MYPYC_MODULES not found")


#: Pure-Python modules compiled with mypyc (issue 16: the diff's rule chain, canonical forms and
#: alignment). The .py files stay the reference: ``unspin/__init__.py`` loads them instead when
#: ``_compiled.json`` (written below after a complete build) is missing, names other sources, or
#: ``UNSPIN_PURE_PYTHON=1`` is set; tests/test_compiled.py checks both give the same output.
MYPYC_MODULES = mypyc_modules(ROOT / "src" / "unspin" / "__init__.py")
MYPYC_GROUP = "unspin._diffcore"  # the shared library: unspin/_diffcore__mypyc*.so
MANIFEST = "_compiled.json"


def _source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _MypycBuildExt(build_ext):
    """``build_ext`` that also compiles ``MYPYC_MODULES`` with mypyc when it can.

    Every failure (mypy not installed, the type check, no C compiler, a compile error) leaves
    the pure-Python modules in use: the extensions are optional, and unless every one of them
    built, none is kept and no manifest is written. ``UNSPIN_NO_MYPYC=1`` skips the step."""

    _mypyc: list[Extension] = []

    def finalize_options(self) -> None:
        # added before setuptools prepares the extension list (it sets up each one here); only
        # commands that build run this
        if not self._mypyc:
            self._mypyc = self._mypyc_extensions()
            self.distribution.ext_modules = [*(self.distribution.ext_modules or []), *self._mypyc]
        super().finalize_options()

    def run(self) -> None:
        super().run()
        self._write_manifest()

    def _mypyc_extensions(self) -> list[Extension]:
        if os.environ.get("UNSPIN_NO_MYPYC"):
            return []
        try:
            from mypyc.build import mypycify

            exts = mypycify([f"src/unspin/{m}.py" for m in MYPYC_MODULES], opt_level="3",
                            group_name=MYPYC_GROUP, target_dir=str(ROOT / "build" / "mypyc"))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure: the .py modules
            print(f"unspin: mypyc step skipped ({exc!r}); the pure-Python modules are used", file=sys.stderr)
            return []
        for e in exts:
            e.optional = True
        return list(exts)

    def _complete(self) -> bool:
        return bool(self._mypyc) and all(os.path.exists(self.get_ext_fullpath(e.name)) for e in self._mypyc)

    def build_extensions(self) -> None:
        super().build_extensions()
        if self._mypyc and not self._complete():
            print("unspin: mypyc build incomplete; the pure-Python modules are used", file=sys.stderr)
            for e in self._mypyc:  # a shim without its library (or the reverse) would not import
                out = self.get_ext_fullpath(e.name)
                if os.path.exists(out):
                    os.remove(out)

    def _write_manifest(self) -> None:
        """``_compiled.json``: the digest of each compiled module's source, beside the built
        files (and in the source tree for in-place and editable builds, where they are copied)."""
        pkg = ROOT / "src" / "unspin"
        targets = [] if self.inplace else [Path(self.build_lib) / "unspin" / MANIFEST]
        if self.inplace or getattr(self, "editable_mode", False):
            targets.append(pkg / MANIFEST)
        if not self._mypyc or not self._complete():
            for t in targets:
                t.unlink(missing_ok=True)
            return
        data = {"group": MYPYC_GROUP,
                "modules": {m: _source_digest(pkg / f"{m}.py") for m in MYPYC_MODULES}}
        for t in targets:
            t.parent.mkdir(parents=True, exist_ok=True)
            t.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


setup(ext_modules=EXTENSIONS, cmdclass={"build_ext": _MypycBuildExt})
