"""python manage.py issue_certificates (--course SLUG | --session CODE | --pending)

Issues a certificate to everyone who completed a course or attended a
session (the same job as the admin's bulk issue, run here and now), or sends
the PDF rendering again for certificates still without a PDF.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.models import BulkIssue
from certificates.services import bulk_issue_run, certificates_enqueue_unrendered
from content.models import CoursePage
from courses.models import TrainingSession


class Command(BaseCommand):
    help = "Cấp giấy chứng nhận hàng loạt cho một khóa học hoặc một lớp tập huấn."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--course", help="Đường dẫn (slug) của khóa học")
        target.add_argument("--session", help="Mã lớp tập huấn")
        target.add_argument("--pending", action="store_true", help="Tạo lại tệp PDF cho các giấy chưa có tệp")

    def handle(self, *args, course=None, session=None, pending=False, **options):
        if pending:
            count = certificates_enqueue_unrendered()
            self.stdout.write(_("Đã gửi tạo tệp PDF cho %(count)d giấy chứng nhận.") % {"count": count})
            return
        course_page = session_row = None
        if course:
            course_page = CoursePage.objects.filter(slug=course).first()
            if course_page is None:
                raise CommandError(_("Không có khóa học %(slug)s.") % {"slug": course})
        else:
            session_row = TrainingSession.objects.filter(code=session).first()
            if session_row is None:
                raise CommandError(_("Không có lớp tập huấn %(code)s.") % {"code": session})
        job = BulkIssue.objects.create(course=course_page, session=session_row)
        job = bulk_issue_run(job_id=job.pk)
        self.stdout.write(
            _("%(title)s: %(total)d người đủ điều kiện, cấp mới %(created)d, lỗi %(errors)d.")
            % {
                "title": job.target_title,
                "total": job.total,
                "created": job.created,
                "errors": job.error_count,
            }
        )
        for error in job.errors:
            self.stderr.write(f"{error['person']} {error['name']}: {error['message']}")
        if job.errors:
            raise CommandError(_("%(count)d người chưa được cấp.") % {"count": job.error_count})
