"""nova_lite's benchmarks: ``python -m benchmarks``
(doc/source/benchmarks.rst)."""
