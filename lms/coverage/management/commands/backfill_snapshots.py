"""``backfill_snapshots``: store the month-end figures a plan would have had,
for every month end of its period up to today (or ``--until``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.coverage.models import Plan
from lms.coverage.selectors import BadRequest, parse_date
from lms.coverage.services import snapshots_backfill


class Command(BaseCommand):
    help = "Tính lại số liệu cuối tháng của kế hoạch (cho biểu đồ diễn biến)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="Mã kế hoạch (mặc định: mọi kế hoạch)")
        parser.add_argument("--until", help="Đến ngày YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args, plan=None, until=None, **options):
        try:
            day = parse_date(until) if until else timezone.localdate()
        except BadRequest as error:
            raise CommandError(error.message) from None
        plans = Plan.objects.select_related("root").order_by("start_date", "code")
        if plan:
            plans = plans.filter(code=plan)
            if not plans:
                raise CommandError(f"Không có kế hoạch mã “{plan}”.")
        for p in plans:
            days = snapshots_backfill(plan=p, until=day)
            self.stdout.write(f"{p.code}: {len(days)} tháng")
