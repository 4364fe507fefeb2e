"""The `salesops` command: Django's manage.py plus the product's own verbs (serve, worker, scheduler, apikey...)."""

import os
import sys

# Product verbs spelled with hyphens map onto management commands.
ALIASES = {"setup-demo": "setup_demo", "demo-data": "demo_data"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
