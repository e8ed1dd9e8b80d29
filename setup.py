"""Build configuration beyond pyproject.toml: the optional C extension of the index build.

``unspin._fastscan`` (src/unspin/_fastscan.c) speeds up ``unspin.analyze``; without a C
compiler the build skips it (``optional=True``) and unspin runs the same code in numpy,
with byte-identical results (tests/test_fastscan.py).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("unspin._fastscan", ["src/unspin/_fastscan.c"], optional=True,
                             extra_compile_args=["-O2"])])
