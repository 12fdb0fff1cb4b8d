"""PostgreSQL only: indexes every imported row paid for and no query reads (issue 25).

- `customer_email_pattern_idx` (0002) is the very index Django made for `email` (`…_like`,
  varchar_pattern_ops): the email prefix search reads that one.
- The `…_like` (varchar_pattern_ops) indexes Django adds beside `external_id`, `e164` and
  `digits_reversed` serve only LIKE 'prefix%': the DMS id and the E.164 are only compared whole
  (=, IN, joins), and the phone's last digits are a range on the plain index
  (customers.selectors.prefix_q with alphanumeric=True), as on SQLite. The plain indexes stay.
"""

from django.db import migrations

LIKE_COLUMNS = [("customers_customer", "external_id"), ("customers_customerphone", "e164"),
                ("customers_customerphone", "digits_reversed")]


def _like_name(schema_editor, table: str, column: str) -> str:
    return schema_editor._create_index_name(table, [column], suffix="_like")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS customer_email_pattern_idx")
    for table, column in LIKE_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_like_name(schema_editor, table, column))}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE INDEX IF NOT EXISTS customer_email_pattern_idx "
                          "ON customers_customer (email varchar_pattern_ops)")
    for table, column in LIKE_COLUMNS:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(_like_name(schema_editor, table, column))} "
                              f"ON {table} ({column} varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0010_phones_in_one_format")]
    operations = [migrations.RunPython(drop, create, elidable=True)]
