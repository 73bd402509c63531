"""The Dagster definitions, one module per domain or stage (see docs/architecture.md)."""

import warnings

# Single-run backfills (one vectorised load for many days or publishers) are the design here;
# Dagster marks the parameter beta and would say so at every load, in every command's output.
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy` of function .* is currently in beta")
