"""Shared pytest configuration: one hypothesis profile, fast and reproducible."""

from hypothesis import settings

# deadline=None: the first call of a Numba kernel compiles (or loads its cache),
# which would trip hypothesis' per-example deadline.  derandomize: the same
# examples on every run and every machine, so a failure is reproducible in CI.
settings.register_profile("ci", deadline=None, max_examples=25, derandomize=True)
settings.load_profile("ci")
