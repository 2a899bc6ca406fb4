"""The performance benchmark: `python3 tasks.py bench` (or `.venv/bin/python -m bench`).

For each size of raw folder (`klima sample-data --municipalities N`) it measures, each in
a fresh process so that memory peaks do not mix:

- the stages of the status report job run through Dagster, as `klima run` runs them
  (ingest, warehouse, metrics, publish, report), each one a run of part of the job;
- the whole `klima run`, as a user starts it;
- the floor: the same ingest, warehouse and metrics SQL in one plain DuckDB session,
  without Dagster;
- a refresh when no raw file changed.

See docs/performance.md for what each measurement is and the results.
"""
