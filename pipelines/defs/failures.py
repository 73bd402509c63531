"""Turning a located source error into a Dagster failure a person can act on."""

import dagster as dg

from pipelines.parsers.errors import SourceFormatError


def source_failure(exc: SourceFormatError) -> dg.Failure:
    """A failure whose message is the file:line:column message itself, with the parts as metadata.

    ``dg.Failure`` shows its description without a library traceback in the UI, and the CLI
    prints it as is; retries would not fix a bad file, so none are allowed.
    """
    return dg.Failure(
        description=str(exc),
        metadata={
            "file": exc.location.file, "line": exc.location.line,
            "column": exc.location.column or 0, "value": exc.value or "",
            "expected": exc.expected, "table": exc.table or "",
        },
        allow_retries=False,
    )
