"""A portable ``JSON type of`` expression, so CHECK constraints can require JSON arrays."""

from django.db.models import CharField, Func


class JSONTypeOf(Func):
    """``jsonb_typeof`` on PostgreSQL, ``json_type`` on SQLite; both answer ``'array'``."""

    function = "JSON_TYPE"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_TYPEOF", **extra_context)
