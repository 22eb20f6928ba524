"""The parts of benchmarks/knock_load.py: the baseline app, the database and its seed,
gunicorn and the HTTP client, the simulated volunteers."""
