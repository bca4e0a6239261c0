"""Why a block was or was not scheduled (DESIGN §13): fragmentation of the night, reasons and
blockers, priority inversions, pressure, KPIs and a greedy baseline, computed from a schedule's
columns without the database."""
