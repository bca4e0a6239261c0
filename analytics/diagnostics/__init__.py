"""Why a block was or was not scheduled (DESIGN §13): fragmentation of the night, reasons and
blockers, priority inversions, pressure, KPIs and a greedy baseline, computed from a schedule's
columns without the database.

``report.diagnose`` computes all of them at once for one schedule; the modules hold one concern
each, in the order they build on one another: ``operable`` (operable time, usable windows),
``fragmentation``, ``reasons`` (with blockers), ``inversions``, ``pressure``, ``kpis``,
``greedy``.
"""
