"""Builds the browser tests' database: migrations, the demo, and a content
reviewer (the demo has none: its admin approves as a superuser).

Run by ``conftest.py`` in a child process whose environment points
``DATABASE_URL`` and ``MEDIA_ROOT`` at a temporary directory.
"""

import os

import django

REVIEWER = "duyetnoidung"
PASSWORD = "NangTam@2024"  # the demo accounts' password (lms.coverage.demo)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from lms.registry.roles import REVIEWERS
    from lms.registry.services import account_upsert

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    user, _ = account_upsert(username=REVIEWER, role="trainer", password=PASSWORD)
    user.groups.add(Group.objects.get(name=REVIEWERS))


if __name__ == "__main__":
    main()
