"""Benchmarks at district and city scale (not part of `make test`): see docs/benchmarks.md.

bench/run.sh                       # generate (if needed) + measure, prints one table
python -m bench.generate --scale district --requests 1000000
python -m bench.run --quick        # small smoke run of every measurement
"""
