"""Bulk writes for imports: ids taken up front and rows inserted with one prepared statement. Below
every app (it knows only Django), so the timeline at the bottom writes its imported rows with it.

`Model.objects.bulk_create` builds every value through the field machinery (about 20 µs per row
of a wide table); an import of a million customers cannot afford it. The values given here are
already cleaned by the services; only the types a driver cannot take (dates, JSON) go through
their field's conversion. The columns a caller leaves out get what `Model()` and `save()` would give
them, so a field a later migration adds never breaks a bulk insert written before it.
"""

import datetime
import json
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys no other row has or will get. Call inside the transaction that inserts:
    on SQLite that transaction holds the write lock (BEGIN IMMEDIATE), so nobody inserts between;
    on PostgreSQL the values come from the table's own sequence."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, model._meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(model._meta.pk.column)}), 0) "
                       f"FROM {connection.ops.quote_name(table)}")
        last = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(last, row[0] if row else 0) + 1
        return list(range(start, start + count))


def _converter(field: models.Field):
    if isinstance(field, (models.DateTimeField, models.DateField, models.DecimalField)):
        seen = {}  # a batch repeats its moment: convert each distinct value once

        def convert(value):
            if value is None:
                return None
            if value not in seen:
                seen[value] = field.get_db_prep_save(value, connection)
            return seen[value]
        return convert
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, cls=field.encoder or DjangoJSONEncoder)
    return None


def _left_out(model: type[models.Model], given: Sequence[models.Field]) -> list[tuple[models.Field, object]]:
    """The columns the caller did not give, each with what an unsaved `Model()` then `save()` would write
    there: its default (a constant once, or a callable to call per row), the moment for auto_now(_add).
    A migration adds a NOT NULL column with a model `default=` and no database default: an INSERT
    naming only the former columns would fail on it. Left to the database: the auto primary key, a
    `db_default`, a generated column, and NULL where the field takes it."""
    filled = []
    for field in model._meta.concrete_fields:
        if field in given or getattr(field, "generated", False) or field.db_default is not models.NOT_PROVIDED:
            continue
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = timezone.now() if isinstance(field, models.DateTimeField) else datetime.date.today()
        elif field.has_default() and callable(field.default):
            filled.append((field, field.get_default))  # a fresh value per row (dict, list, uuid…)
            continue
        else:
            value = field.get_default()  # "" for a text field without one, as Model() gives it
        if value is None and not field.null:
            raise ValueError(f"{model.__name__}.{field.name} is NOT NULL and has no default: "
                             f"insert_rows needs it among the columns.")
        if value is not None:
            filled.append((field, value))
    return filled


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT the rows (tuples in `columns` order, field names or attnames) in one executemany; every
    other column at its default (see `_left_out`)."""
    fields = [model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") and not any(
        f.name == name for f in model._meta.concrete_fields) else name) for name in columns]
    filled = _left_out(model, fields)
    if filled:
        constant = [(field, value) for field, value in filled if not callable(value)]
        per_row = [(field, make) for field, make in filled if callable(make)]
        fields += [field for field, _value in constant + per_row]
        values, makers = tuple(value for _field, value in constant), [make for _field, make in per_row]
        rows = ((*row, *values, *(make() for make in makers)) for row in rows)
    converters = [_converter(f) for f in fields]
    if any(converters):
        rows = (tuple(value if convert is None else convert(value) for value, convert in zip(row, converters))
                for row in rows)
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: several times faster than INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        rows = list(rows)
        if rows:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})", rows)
        return len(rows)


_PROTOTYPES: dict[type, models.Model] = {}
_MUTABLE: dict[type, list] = {}


def blank_instance(model: type[models.Model]) -> models.Model:
    """A new, unsaved instance with every field at its default, cloned from a prototype: Model(**kw)
    costs ~18 µs on a wide table, a clone under 1 µs. Mutable defaults are made anew."""
    prototype = _PROTOTYPES.get(model)
    if prototype is None:
        prototype = _PROTOTYPES[model] = model()
        _MUTABLE[model] = [f for f in model._meta.concrete_fields
                           if isinstance(getattr(prototype, f.attname), (dict, list))]
    instance = model.__new__(model)
    instance.__dict__.update(prototype.__dict__)
    instance._state = models.base.ModelState()
    for field in _MUTABLE[model]:
        setattr(instance, field.attname, field.get_default())
    return instance


BULK_CACHE_KIB = 131_072


def tune_for_bulk_writes() -> None:
    """SQLite's page cache is 2 MB by default: a million-row import into indexed tables then reads
    index pages back from the OS at every row. 128 MB, for this connection only, keeps them."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")


def refresh_statistics(models_: Iterable[type[models.Model]]) -> None:
    """PostgreSQL plans from table statistics; a table an import grows from empty to a million rows
    would be planned as empty (sequential scans) until autovacuum catches up. ANALYZE samples it."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
