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


class Many:
    """A long list of values for `field__among`, held so that Django hands it to the lookup as it
    is: a plain list is walked value by value to resolve expressions (and, for a foreign key, to
    check each value's model) before any lookup sees it — 0.3 s of a province's page for 20,000
    ids. `many(ids)` wraps them; `__among` takes a plain list too."""

    __slots__ = ("values",)

    def __init__(self, values) -> None:
        self.values = list(values)

    def __len__(self) -> int:
        return len(self.values)


many = Many


@models.Field.register_lookup
class Among(models.Lookup):
    """`field__among=values`: the field is one of a long list of values (thousands of unit ids in
    a province's table), as one parameter instead of one per value. Django's `__in` makes each
    value a parameter of its own: for 2,000 ids its query took 54 ms to build and send against
    14 ms on the bench (ADR 0026); for a province's 20,000, ten times that. PostgreSQL
    takes an array written as its text (`= ANY(%s::bigint[])`: psycopg's own array dumper took
    25 ms for 20,000 ints, the text 2 ms), SQLite a JSON array (`IN (SELECT value FROM
    json_each(%s))`). The values are ints or strings (a list, or `many(...)`); an empty list
    matches nothing."""

    lookup_name = "among"
    prepare_rhs = False

    def _values(self) -> list:
        rhs = self.rhs.values if isinstance(self.rhs, Many) else self.rhs
        prep = self.lhs.output_field.get_prep_value
        return [v if type(v) is int else prep(v) for v in rhs if v is not None]  # ids are ints

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        values = self._values()
        # ids typed as the column: an int4[] against a bigint column made PostgreSQL misjudge
        # the rows and walk a 20-million-line index instead of scanning the table (4x slower).
        # Text is compared as text (a cast to varchar(n) would cut a longer value short)
        column = self.lhs.output_field.db_type(connection)
        if column in ("bigint", "integer", "smallint"):
            return f"{lhs} = ANY(%s::{column}[])", [*params, _int_array(values)]
        if all(type(v) is str for v in values):
            return f"{lhs} = ANY(%s::text[])", [*params, _text_array(values)]
        return f"{lhs} = ANY(%s)", [*params, values]

    def as_sqlite(self, compiler, connection):
        import json

        lhs, params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - the values are a parameter
        return sql, [*params, json.dumps(self._values())]


def _int_array(values: list) -> str:
    """PostgreSQL's text of an array of integers: `{1,2,3}` (int() refuses anything else)."""
    return "{" + ",".join(map(str, map(int, values))) + "}"


def _text_array(values: list[str]) -> str:
    """PostgreSQL's text of an array of strings, each quoted: `{"a","b \\"c\\""}`."""
    quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{v}"' for v in quoted) + "}"


models.ForeignObject.register_lookup(Among)  # a foreign key's column (`unit_id__among`) too
