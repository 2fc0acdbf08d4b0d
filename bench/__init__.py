"""Benchmarks: scripts that print figures (never timed assertions). See bench/README.md."""
