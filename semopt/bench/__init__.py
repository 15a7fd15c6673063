"""The benchmark runner behind ``semopt bench``: run solvers side by side on the same instances.

* :mod:`~semopt.bench.sweep` parses ``PARAM=lo:hi:step`` and ``KEY=VALUE``;
* :mod:`~semopt.bench.runner` builds each instance once and runs every solver
  on it, in this process or in a pool of local processes;
* :mod:`~semopt.bench.tables` summarises (mean, 95 % CI, improvement %),
  prints rich tables and writes tidy CSV;
* :mod:`~semopt.bench.plots` draws PNG/SVG figures (matplotlib, imported on use).
"""

from semopt.bench.runner import (
    Instance,
    Metric,
    ProgressHook,
    Record,
    report_of,
    run_bench,
    run_instance,
    scenario_report,
)
from semopt.bench.sweep import ArgumentError, Sweep, SweepError, parse_assignments, parse_sweep, parse_value
from semopt.bench.tables import (
    Comparison,
    Summary,
    compare,
    print_comparison,
    print_summary,
    summarize,
    write_csv,
)

__all__ = [
    "run_bench",
    "run_instance",
    "Record",
    "Metric",
    "report_of",
    "scenario_report",
    "Instance",
    "ProgressHook",
    "Sweep",
    "parse_sweep",
    "parse_value",
    "parse_assignments",
    "ArgumentError",
    "SweepError",
    "Summary",
    "Comparison",
    "summarize",
    "compare",
    "print_summary",
    "print_comparison",
    "write_csv",
]
