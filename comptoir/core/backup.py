"""`comptoir backup` / `comptoir restore`: a consistent copy of the database while it serves. SQLite
through its online backup API (pages copied under a read lock, writers wait only briefly), PostgreSQL
through pg_dump's custom format (one snapshot) and pg_restore."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection, connections


class BackupError(Exception):
    pass


def _pg_env() -> tuple[list[str], dict]:
    settings = connection.settings_dict
    args = ["--host", settings.get("HOST") or "127.0.0.1", "--port", str(settings.get("PORT") or 5432)]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools are needed).")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


def backup(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(path),
              connection.settings_dict["NAME"]], env)
    else:
        raise BackupError(f"No backup for {connection.vendor}.")
    return path


def restore(path: Path) -> None:
    """Replace the database's content with the backup's. Stop the web processes and workers first."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such backup: {path}")
    if connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        connections.close_all()
        args, env = _pg_env()
        _run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", connection.settings_dict["NAME"], str(path)], env)
    else:
        raise BackupError(f"No restore for {connection.vendor}.")
