"""Local use: the embedded SQLite database, the secret key kept in var/."""

from .base import *  # noqa: F403
