"""nova_lite's benchmarks: ``python -m benchmarks`` (README.rst,
"Benchmarks")."""
