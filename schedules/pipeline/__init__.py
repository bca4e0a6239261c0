"""The pipeline layer: everything that writes a schedule's rows.

``ingest`` runs extract → transform → load in one transaction; ``refresh`` re-runs the
transform on stored blocks; ``load`` and ``bulk_writes`` write the rows; ``jobs`` and ``tasks``
run ingests of uploaded files on a task worker. It sits above the domain, the validation rules
and the analytics computations, and below every page, endpoint, command and admin action.
"""
