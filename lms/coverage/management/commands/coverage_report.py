"""``coverage_report``: the coverage report of CONTRACT §5 as JSON, CSV, XLSX or
PDF, or the list of people still missing for one indicator."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lms.coverage import exports
from lms.coverage.selectors import CoverageError, coverage_for_unit, people_behind, resolve_report


class Command(BaseCommand):
    help = "Báo cáo kết quả thực hiện chỉ tiêu của một kế hoạch (JSON, CSV, XLSX, PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="Mã kế hoạch")
        parser.add_argument("--org-unit", dest="org_unit", help="Mã địa bàn (mặc định: địa bàn của kế hoạch)")
        parser.add_argument("--as-of", dest="as_of", help="Tính đến ngày YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", choices=exports.REPORT_FORMATS, default="json")
        parser.add_argument("--output", help="Tệp ghi kết quả (mặc định: màn hình)")
        parser.add_argument("--missing", metavar="INDICATOR", help="In danh sách chưa đạt của chỉ tiêu này")
        parser.add_argument("--user", help="Tên đăng nhập: chỉ báo cáo trong phạm vi tài khoản này được xem")

    def handle(self, *args, plan, org_unit, as_of, fmt, output, missing, user, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).select_related("scope").first()
            if account is None:
                raise CommandError(f"Không có tài khoản “{user}”.")
        try:
            request = resolve_report(
                user=account, plan=plan, org_unit=org_unit, as_of=as_of, indicator=missing
            )
        except CoverageError as error:
            raise CommandError(error.message) from None
        if missing:
            if fmt not in exports.PEOPLE_FORMATS:
                raise CommandError("Danh sách chưa đạt chỉ xuất được dạng json, csv hoặc xlsx.")
            people = people_behind(
                plan=request.plan,
                indicator=request.indicator,
                unit=request.org_unit,
                as_of=request.as_of,
                which="missing",
            ).iterator(chunk_size=2000)
            if fmt == "json":
                content = exports.people_json(people, request.indicator)
            elif fmt == "csv":
                content = exports.people_csv(people, request.indicator)
            else:
                title = f"{request.indicator.name} – {request.org_unit.name} – {request.as_of:%d/%m/%Y}"
                content = exports.people_xlsx(people, request.indicator, title=title)
        else:
            report = coverage_for_unit(plan=request.plan, unit=request.org_unit, as_of=request.as_of)
            if fmt == "json":
                content = exports.report_json(report)
            elif fmt == "csv":
                content = exports.report_csv(report)
            elif fmt == "xlsx":
                content = exports.report_xlsx(report)
            else:
                content = exports.report_pdf(report)
        self._write(content, fmt, output)

    def _write(self, content: bytes, fmt: str, output: str | None) -> None:
        if output:
            try:
                Path(output).write_bytes(content)
            except OSError as error:
                raise CommandError(f"Không ghi được tệp {output}: {error.strerror}") from None
            return
        if fmt in ("json", "csv"):
            text = content.decode("utf-8").lstrip("\ufeff") if fmt == "json" else content.decode("utf-8")
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
            return
        stream = getattr(self.stdout._out, "buffer", None) or getattr(sys.stdout, "buffer", None)
        if stream is None:
            raise CommandError("Định dạng nhị phân cần --output.")
        stream.write(content)
        stream.flush()
