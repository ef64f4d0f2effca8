"""Model fields of our own. One so far: decimals rounded half up, the same on every database."""

from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.db import models

CENT = Decimal("0.01")


def half_up(value, places: int = 2) -> Decimal:
    """Money and ratios are rounded half up (四舍五入), as people and the national platform do:
    2777.145 is 2777.15, -2777.145 is -2777.15."""
    with localcontext() as context:
        context.prec = 40
        return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class RoundedDecimalField(models.DecimalField):
    """A DecimalField stored rounded half up to its decimal places.

    Django hands a Decimal to the database as it is: SQLite then keeps -2777.145 while
    PostgreSQL's numeric(14, 2) rounds it to -2777.15, so one demo gave two ledgers. Rounding here,
    before any database sees the value, makes both store the same figure.

    Migrations see a plain DecimalField (`deconstruct`): switching to this field rebuilds no table,
    which on SQLite would drop the triggers that keep the rollups (ADR 0011, 0013)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or self.decimal_places is None:
            return value
        return half_up(value, self.decimal_places)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


@models.Field.register_lookup
class Among(models.Lookup):
    """`field__among=values`: the field is one of a long list of values (thousands of unit ids in
    a province's table), as one parameter instead of one per value. Django's `__in` makes each
    value a parameter of its own: for 2,000 ids its query took 54 ms to build and send against
    14 ms on the bench (ADR 0026); for a province's 20,000, ten times that. PostgreSQL
    takes an array (`= ANY(%s)`), SQLite a JSON array (`IN (SELECT value FROM json_each(%s))`).
    The values are ints or strings; an empty list matches nothing."""

    lookup_name = "among"
    prepare_rhs = False

    def _values(self) -> list:
        prep = self.lhs.output_field.get_prep_value
        return [v if type(v) is int else prep(v) for v in self.rhs]  # ids are ints already

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        # ids typed as the column: an int4[] against a bigint column made PostgreSQL misjudge
        # the rows and walk a 20-million-line index instead of scanning the table (4x slower).
        # Text is left as it is (a cast to varchar(n) would cut a longer value short)
        column = self.lhs.output_field.db_type(connection)
        cast = f"::{column}[]" if column in ("bigint", "integer", "smallint") else ""
        return f"{lhs} = ANY(%s{cast})", [*params, self._values()]

    def as_sqlite(self, compiler, connection):
        import json

        lhs, params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - the values are a parameter
        return sql, [*params, json.dumps(self._values())]


models.ForeignObject.register_lookup(Among)  # a foreign key's column (`unit_id__among`) too
