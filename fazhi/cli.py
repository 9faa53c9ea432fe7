"""The `fazhi` command: Django's management commands plus ours (demo, serve, check-deploy…)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "fazhi"
    # Our commands are spelled with hyphens on the command line (`fazhi check-deploy`).
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
