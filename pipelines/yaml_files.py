"""Hand-kept YAML files (source registry, quality suites): read with the error's location.

One reader, so every YAML file of the project reports a syntax error the same way: the file
name, line and column, and what the parser expected. It parses with libyaml's C loader when
PyYAML was built with it: every load of the Dagster code location reads every suite and the
registry, and the pure-Python parser is several times slower. Both loaders resolve tags alike
(CSafeLoader uses the same Python resolver and constructor) and both give marks with a line
and a column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: libyaml's safe loader, or PyYAML's pure-Python one where libyaml is missing.
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path, error: type[ValueError]) -> Any:
    """The parsed document; ``error("<file>:<line>:<column>: not valid YAML (…)")`` when it is not YAML."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
        raise error(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
