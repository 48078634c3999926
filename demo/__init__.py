"""The Guangming demo data set, kept out of the production apps.

One module per app, named after the app's label (`demo.grids`, `demo.care`, …), each with an
idempotent `load_demo(*, rng, seed, stdout)`; `demo.people` makes the synthetic names and numbers
they share, `demo/data/` holds the district outline. Production code never imports this package
(demo/tests/test_isolation.py checks it); the `load_demo` command, the benchmarks (bench/) and tests may.
"""
