# Issue 25: conversion by month groups on the closing month in the dealership's time zone. Without
# statistics on that expression PostgreSQL guessed tens of thousands of groups, sorted every closed deal
# and spilled the sort to disk; with them it knows there are a few dozen and hashes them. PostgreSQL only
# (SQLite plans it well as it is).

from django.db import migrations

STATISTICS = ("CREATE STATISTICS IF NOT EXISTS opportunity_close_month_stats "
              "ON (date_trunc('month', closed_at AT TIME ZONE 'America/Toronto')) FROM sales_opportunity")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS)
        schema_editor.execute("ANALYZE sales_opportunity")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS opportunity_close_month_stats")


class Migration(migrations.Migration):

    dependencies = [
        ('sales', '0009_list_order_idx'),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
