from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lms.coverage.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: Chợ Mới district, its cooperatives, people and cadres, the starter "
        "courses, the 2024 sessions and the demo accounts (idempotent)."
    )

    def handle(self, *args, **options):
        accounts = load_demo(stdout=self.stdout)
        width = max(len(a.username) for a in accounts)
        self.stdout.write("")
        self.stdout.write(
            _("Tài khoản dùng thử (mật khẩu chung: %(password)s)") % {"password": DEMO_PASSWORD}
        )
        for account in accounts:
            self.stdout.write(f"  {account.username.ljust(width)}  {DEMO_PASSWORD}  {account.description}")
        self.stdout.write("")
