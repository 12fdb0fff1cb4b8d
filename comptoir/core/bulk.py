"""Moved to comptoir.bulk (below every app); this name stays until the customers package is split."""

from comptoir.bulk import *  # noqa: F401,F403
from comptoir.bulk import _converter  # noqa: F401
