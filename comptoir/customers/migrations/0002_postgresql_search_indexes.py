"""PostgreSQL only: a pattern_ops index for email prefix search (LIKE 'x%') and pg_trgm for
contains. Tokens and phone digits are alphanumeric and use range scans on the plain indexes of
0001, as SQLite does for everything (customers.selectors.prefix_q).
"""

from django.db import migrations

STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_email_pattern_idx ON customers_customer (email varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS customer_search_name_trgm_idx ON customers_customer USING gin (search_name gin_trgm_ops)",
]
REVERSE = [
    "DROP INDEX IF EXISTS customer_search_name_trgm_idx",
    "DROP INDEX IF EXISTS customer_email_pattern_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(_run(STATEMENTS), _run(REVERSE))]
