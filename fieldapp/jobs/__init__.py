"""Background jobs, generic: long work (imports, cuts, geocoding) run by `flask jobs worker`.

This package names no domain (an import contract in .importlinter says so). A domain brings a
kind of job from its own `jobs.py`: a `JobKind` (kinds.py) with its runner, and if it needs
them a failure hook, a report template and builder for the job's page, and links for the API.
fieldapp/job_kinds.py registers every domain's kinds when create_app runs; jobs/setup.py tells
the queue what its workers run.
"""
