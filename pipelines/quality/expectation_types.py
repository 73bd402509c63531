"""The expectation type names a suite may use, known without importing Great Expectations.

Why without GX: every load of the Dagster code location reads every suite, and importing GX costs
seconds. The names come from the installed package's files instead: GX 1.x defines each
built-in expectation in its own module of ``great_expectations/expectations/core/``, and that
package's ``__init__.py`` imports the ones it exports. Reading that one file (it is not run)
gives the names; ``gx_runner.expectation_classes()`` is the GX-side truth, and a test keeps the
two equal.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from pathlib import Path

#: Our custom expectations (``custom_expectations.py``, which imports GX), by type name.
CUSTOM_EXPECTATION_TYPES: tuple[str, ...] = (
    "expect_column_values_to_be_valid_lg_code",
    "expect_column_values_to_be_number_between",
)
#: Exported by GX 1.x but abstract there (no metric), so GX registers no type for them.
ABSTRACT_IN_GX = frozenset({"expect_multicolumn_values_to_be_unique"})


def gx_core_dir() -> Path:
    """``great_expectations/expectations/core/`` of the installed GX, found without importing it."""
    spec = importlib.util.find_spec("great_expectations")  # a top-level name: nothing is imported
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("Great Expectations is not installed; the quality suites need it")
    return Path(next(iter(spec.submodule_search_locations))) / "expectations" / "core"


@functools.cache
def gx_expectation_types() -> frozenset[str]:
    """GX's built-in type names: the ``core`` modules its ``__init__.py`` exports, less abstract ones."""
    tree = ast.parse((gx_core_dir() / "__init__.py").read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}
    return frozenset(modules) - ABSTRACT_IN_GX


def known_expectation_types() -> frozenset[str]:
    """Every type a suite may name: GX's built-in expectations and ours."""
    return gx_expectation_types() | frozenset(CUSTOM_EXPECTATION_TYPES)
