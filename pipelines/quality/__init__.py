"""The quality gate: Great Expectations suites and dbt tests decide what may be published.

``suites`` reads the suite files in ``expectations/``; ``derive`` writes their schema-derived
part from the dbt project; ``gx_runner`` runs a suite on a frame with GX's pandas datasource;
``gate`` evaluates one dataset (dbt verdict + suite) into a ``Verdict``; ``report`` renders it.
"""
