"""The `comptoir` console script: Django's manage.py, with Comptoir's settings."""

import os
import sys

from django.core.management import execute_from_command_line

DEFAULT_SETTINGS = "comptoir.config.settings.dev"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
