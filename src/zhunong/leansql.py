"""Plain SQL for the one path where the ORM's own work is most of a request's cost: the checkout
(ADR 0025). A checkout makes a dozen small statements; building each through the ORM (resolving
expressions, compiling, quoting) took more CPU than PostgreSQL took to run it. The SQL text here
is made once per model from the model's own fields, so it follows migrations; values go through
each field's own conversions both ways, so what is written and read is what the ORM would write
and read. Everything else keeps using the ORM."""

import uuid
from functools import cache

from django.db import connections
from django.db.models import Model


def _quote(name: str) -> str:
    return connections["default"].ops.quote_name(name)


@cache
def _fields(model: type[Model], names: tuple[str, ...] | None) -> tuple:
    """The model's concrete fields in their own order, all of them or those named."""
    fields = model._meta.concrete_fields
    if names is None:
        return tuple(fields)
    unknown = set(names) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no {', '.join(sorted(unknown))}")
    return tuple(f for f in fields if f.attname in names)


def columns(model: type[Model], alias: str, names: tuple[str, ...] | None = None) -> str:
    """`alias."column", …` for a SELECT whose row `build` turns back into the model."""
    return ", ".join(f"{alias}.{_quote(f.column)}" for f in _fields(model, names))


def width(model: type[Model], names: tuple[str, ...] | None = None) -> int:
    return len(_fields(model, names))


@cache
def _converters(model: type[Model], names, vendor: str) -> tuple:
    connection = connections["default"]
    found = []
    for field in _fields(model, names):
        col = field.get_col(model._meta.db_table)
        found.append(
            (
                col,
                tuple(connection.ops.get_db_converters(col) + field.get_db_converters(connection)),
            )
        )
    return tuple(found)


def build(model: type[Model], values, names: tuple[str, ...] | None = None):
    """The model instance of a row selected with `columns(model, …, names)`: converted as the
    ORM converts (dates and decimals from SQLite, for one); fields not selected are deferred."""
    connection = connections["default"]
    converted = []
    for value, (col, converters) in zip(
        values, _converters(model, names, connection.vendor), strict=True
    ):
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    fields = _fields(model, names)
    return model.from_db("default", [f.attname for f in fields], converted)


@cache
def _insert_sql(model: type[Model], returning: bool) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if f is not meta.pk)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        _quote(meta.db_table),
        ", ".join(_quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if returning:
        sql += f" RETURNING {_quote(meta.pk.column)}"
    return sql, fields


def _values(instance: Model, fields, connection) -> list:
    """The instance's values of the fields as `save()` writes them (defaults, `auto_now_add`)."""
    return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def _saved(instance: Model) -> None:
    instance._state.adding = False
    instance._state.db = "default"


def insert(instance: Model) -> Model:
    """Inserts the new instance with one statement and sets its primary key — what `save()`
    does for a new row of a model without signals or history (none of the checkout's have
    them): defaults and `auto_now_add` are the fields' own."""
    connection = connections["default"]
    returning = connection.features.can_return_columns_from_insert
    sql, fields = _insert_sql(type(instance), returning)
    params = _values(instance, fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    _saved(instance)
    return instance


def insert_together(instances) -> None:
    """Inserts new rows nobody needs the ids of afterwards (they get none) in one round trip on
    PostgreSQL: the INSERTs go as one message, bound on the client like every statement of
    Django's. Under load each round trip is a wait for PostgreSQL's turn on the CPU, which cost
    more than the statements. SQLite, in-process, takes them one by one."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        for instance in instances:
            insert(instance)
        return
    statements, params = [], []
    for instance in instances:
        sql, fields = _insert_sql(type(instance), False)
        statements.append(sql)
        params += _values(instance, fields, connection)
    execute("; ".join(statements), params)
    for instance in instances:
        _saved(instance)


DIGITS = 8


def insert_numbered(instance: Model, field: str, prefix: str) -> Model:
    """Inserts the new instance with `field` set to `prefix` and its id (at least `DIGITS`
    digits, zero-padded) — an order or purchase number readable by people, unique because the id
    is. PostgreSQL takes the id from the table's sequence inside the INSERT, so it is one
    statement; SQLite inserts, then writes the number (two)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        setattr(instance, field, f"t{uuid.uuid4().hex[:23]}")
        insert(instance)
        setattr(instance, field, f"{prefix}{instance.pk:0{DIGITS}d}")
        update(instance, field)
        return instance
    sql, fields = _numbered_sql(type(instance), field)
    params = _values(instance, fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix, *params])
        instance.pk, number = cursor.fetchone()
    setattr(instance, field, number)
    _saved(instance)
    return instance


@cache
def _numbered_sql(model: type[Model], field: str) -> tuple[str, tuple]:
    meta = model._meta
    number = meta.get_field(field)
    fields = tuple(f for f in meta.concrete_fields if f is not meta.pk and f is not number)
    sequence = execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
    pk = _quote(meta.pk.column)
    sql = (
        "INSERT INTO {table} ({pk}, {number}, {columns}) "
        "SELECT n.id, %s || lpad(n.id::text, greatest({digits}, length(n.id::text)), '0'), "
        "{values} FROM (SELECT nextval('{sequence}') AS id) AS n RETURNING {pk}, {number}"
    ).format(
        table=_quote(meta.db_table),
        pk=pk,
        number=_quote(number.column),
        columns=", ".join(_quote(f.column) for f in fields),
        digits=DIGITS,
        values=", ".join(["%s"] * len(fields)),
        sequence=sequence[0][0],
    )
    return sql, fields


def execute(sql: str, params=()) -> list[tuple]:
    """Runs one statement on the default database and returns its rows (if any)."""
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def update(instance: Model, *names: str) -> None:
    """Writes the named fields of a saved instance with one UPDATE by its primary key."""
    connection = connections["default"]
    meta = instance._meta
    fields = [meta.get_field(name) for name in names]
    sets = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    execute(
        f"UPDATE {_quote(meta.db_table)} SET {sets} WHERE {_quote(meta.pk.column)} = %s",
        [*params, instance.pk],
    )
