"""Benchmarks: scripts that print figures (never timed assertions). See the README."""
