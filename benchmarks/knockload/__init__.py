"""The parts of benchmarks/knock_load.py: the apps measured against fieldapp (the fair baseline
and the minimal reference), the database and its seed, gunicorn and the HTTP client, the
simulated volunteers, the single-knock rounds in turns; and inprocess.py, CPU a knock A/B."""
