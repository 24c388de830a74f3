import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook
from rest_framework.test import APIClient

from courses.imports import import_attendance
from courses.models import Attendance, Completion, TrainingSession
from courses.services import attendance_set
from tests.factories.courses import TrainingSessionFactory, quick_course
from tests.factories.registry import PersonFactory

pytestmark = pytest.mark.django_db

SESSION_HEADER = [
    "code",
    "title",
    "topics",
    "course_slug",
    "org_unit_code",
    "start_date",
    "end_date",
    "trainer",
    "issues_certificate",
]
ATTENDANCE_HEADER = ["session_code", "person_code", "attended"]


def workbook(
    sessions=None, attendance=None, *, session_header=SESSION_HEADER, attendance_header=ATTENDANCE_HEADER
) -> bytes:
    book = Workbook()
    if sessions is not None or attendance is not None:
        book.remove(book.active)  # an empty workbook keeps its one blank sheet
    if sessions is not None:
        sheet = book.create_sheet("sessions")
        sheet.append(session_header)
        for row in sessions:
            sheet.append(row)
    if attendance is not None:
        sheet = book.create_sheet("attendance")
        sheet.append(attendance_header)
        for row in attendance:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def world(tree):
    course = quick_course("Quản trị HTX", earns_certificate=False)
    course.slug = "quan-tri-htx"
    course.save()
    lan = PersonFactory(code="P-LAN", full_name="Võ Thị Lan", org_unit=tree.ka)
    mai = PersonFactory(code="P-MAI", full_name="Lê Thị Mai", org_unit=tree.kt)
    far = PersonFactory(code="P-FAR", full_name="Người Long Xuyên", org_unit=tree.other)
    return course, lan, mai, far


def good_book():
    return workbook(
        sessions=[
            [
                "TH-01",
                "Tập huấn quản trị HTX",
                "governance; accounting",
                "quan-tri-htx",
                "CM-KA",
                "10/05/2024",
                None,
                "Trần Văn Giảng",
                "có",
            ],
            [
                "TH-02",
                "Tham quan mô hình OCOP",
                "coop_development",
                None,
                "CM",
                dt.date(2024, 6, 1),  # real Excel date cells
                dt.date(2024, 6, 3),
                None,
                None,
            ],
        ],
        attendance=[
            ["TH-01", "P-LAN", "x"],
            ["TH-01", "P-MAI", "không"],
            ["TH-02", "P-MAI", None],
        ],
    )


def errors_of(result):
    return [(e.sheet, e.row, e.column) for e in result.errors]


class TestHappyPath:
    def test_import_creates_sessions_attendance_and_completions(self, world):
        course, lan, mai, _far = world
        result = import_attendance(good_book(), filename="diem-danh.xlsx")
        assert result.ok, result.errors
        assert {k: v.as_dict() for k, v in result.counts.items()} == {
            "sessions": {"created": 2, "updated": 0, "unchanged": 0},
            "attendance": {"created": 3, "updated": 0, "unchanged": 0},
        }
        first = TrainingSession.objects.get(code="TH-01")
        assert first.start_date == first.end_date == dt.date(2024, 5, 10)  # end_date defaults to start_date
        assert first.issues_certificate and first.course_id == course.pk and first.org_unit.code == "CM-KA"
        assert sorted(first.topics.values_list("slug", flat=True)) == ["accounting", "governance"]
        second = TrainingSession.objects.get(code="TH-02")
        assert (second.end_date, second.issues_certificate, second.trainer) == (
            dt.date(2024, 6, 3),
            False,
            "",
        )
        assert Attendance.objects.get(session=first, person=mai).attended is False
        completions = set(
            Completion.objects.values_list("person__code", "session__code", "course_id", "completed_on")
        )
        assert completions == {
            ("P-LAN", "TH-01", None, dt.date(2024, 5, 10)),
            ("P-LAN", None, course.pk, dt.date(2024, 5, 10)),
            ("P-MAI", "TH-02", None, dt.date(2024, 6, 3)),
        }

    def test_importing_the_same_file_twice_changes_nothing(self, world):
        import_attendance(good_book(), filename="a.xlsx")
        before = list(Completion.objects.order_by("pk").values_list("pk", "completed_on"))
        again = import_attendance(good_book(), filename="a.xlsx")
        assert {k: v.as_dict() for k, v in again.counts.items()} == {
            "sessions": {"created": 0, "updated": 0, "unchanged": 2},
            "attendance": {"created": 0, "updated": 0, "unchanged": 3},
        }
        assert list(Completion.objects.order_by("pk").values_list("pk", "completed_on")) == before

    def test_dry_run_writes_nothing(self, world):
        result = import_attendance(good_book(), filename="a.xlsx", dry_run=True)
        assert result.ok and result.dry_run and result.counts["sessions"].created == 2
        assert not TrainingSession.objects.exists() and not Completion.objects.exists()

    def test_vietnamese_headers_and_csv_sheets(self, world):
        _course, lan, _mai, _far = world
        sessions_csv = (
            "Mã lớp;Tên lớp;Chủ đề;Mã địa bàn;Ngày bắt đầu;Ngày kết thúc;Giảng viên;Cấp chứng nhận\n"
            "TH-9;Lớp thương mại điện tử;ecommerce,technology;CM-KT;2024-07-01;2024-07-02;Cô Hạnh;không\n"
        ).encode()
        result = import_attendance(sessions_csv, filename="sessions.csv")
        assert result.ok, result.errors
        session = TrainingSession.objects.get(code="TH-9")
        assert sorted(session.topics.values_list("slug", flat=True)) == ["ecommerce", "technology"]
        attendance_csv = "Mã lớp,Mã người,Có mặt\nTH-9,P-LAN,có\n".encode("utf-8-sig")
        assert import_attendance(attendance_csv, filename="attendance.csv").ok
        assert Completion.objects.get(person=lan).completed_on == dt.date(2024, 7, 2)

    def test_attended_no_unticks_and_removes_the_completion(self, world):
        _course, lan, _mai, _far = world
        session = TrainingSessionFactory(code="OLD")
        attendance_set(session=session, present=[lan.pk])
        result = import_attendance(workbook(attendance=[["OLD", "P-LAN", "no"]]), filename="a.xlsx")
        assert result.ok and result.counts["attendance"].updated == 1
        assert not Completion.objects.filter(session=session).exists()

    def test_changed_dates_and_topics_update_the_session_and_its_completions(self, world):
        _course, lan, _mai, _far = world
        import_attendance(good_book(), filename="a.xlsx")
        changed = workbook(
            sessions=[
                [
                    "TH-02",
                    "Tham quan mô hình OCOP",
                    "coop_development;advocacy",
                    None,
                    "CM",
                    "01/06/2024",
                    "05/06/2024",
                    None,
                    None,
                ]
            ]
        )
        result = import_attendance(changed, filename="a.xlsx")
        assert result.counts["sessions"].updated == 1
        session = TrainingSession.objects.get(code="TH-02")
        assert sorted(session.topics.values_list("slug", flat=True)) == ["advocacy", "coop_development"]
        assert Completion.objects.get(session=session).completed_on == dt.date(2024, 6, 5)


class TestBadRows:
    """Each bad case is reported as (sheet, row as Excel shows it, column)
    and nothing at all is written, not even the valid rows beside it."""

    def check(self, book, expected):
        result = import_attendance(book, filename="bad.xlsx")
        assert not result.ok
        assert expected in errors_of(result), [str(e) for e in result.errors]
        assert not TrainingSession.objects.exists()
        assert not Attendance.objects.exists() and not Completion.objects.exists()
        return result

    def valid_session(self, code="OK-1"):
        return [code, "Lớp tốt", "governance", None, None, "2024-05-10", None, None, None]

    def test_unknown_topic(self, world):
        result = self.check(
            workbook(
                sessions=[
                    self.valid_session(),
                    ["BAD", "Lớp", "governance; quan-tri", None, None, "2024-05-10", None, None, None],
                ]
            ),
            ("sessions", 3, "topics"),
        )
        assert "quan-tri" in result.errors[0].message and "governance" in result.errors[0].message

    def test_unknown_course_slug(self, world):
        self.check(
            workbook(
                sessions=[
                    self.valid_session(),
                    ["BAD", "Lớp", "governance", "khong-co", None, "2024-05-10", None, None, None],
                ]
            ),
            ("sessions", 3, "course_slug"),
        )

    def test_unknown_org_unit_code(self, world):
        self.check(
            workbook(
                sessions=[
                    ["BAD", "Lớp", "governance", None, "XX-99", "2024-05-10", None, None, None],
                    self.valid_session(),
                ]
            ),
            ("sessions", 2, "org_unit_code"),
        )

    def test_unknown_person_code(self, world):
        self.check(
            workbook(
                sessions=[self.valid_session()],
                attendance=[["OK-1", "P-LAN", "x"], ["OK-1", "P-NOBODY", "x"]],
            ),
            ("attendance", 3, "person_code"),
        )

    def test_unknown_session_code(self, world):
        self.check(
            workbook(
                sessions=[self.valid_session()], attendance=[["OK-1", "P-LAN", "x"], ["NOPE", "P-MAI", "x"]]
            ),
            ("attendance", 3, "session_code"),
        )

    def test_end_date_before_start_date(self, world):
        self.check(
            workbook(
                sessions=[["BAD", "Lớp", "governance", None, None, "10/05/2024", "09/05/2024", None, None]]
            ),
            ("sessions", 2, "end_date"),
        )

    def test_bad_date_and_bad_boolean(self, world):
        result = self.check(
            workbook(sessions=[["BAD", "Lớp", "governance", None, None, "31/02/2024", None, None, "có lẽ"]]),
            ("sessions", 2, "start_date"),
        )
        assert ("sessions", 2, "issues_certificate") in errors_of(result)

    def test_blank_required_value(self, world):
        self.check(
            workbook(
                sessions=[
                    self.valid_session(),
                    ["BAD", "", "governance", None, None, "2024-05-10", None, None, None],
                ]
            ),
            ("sessions", 3, "title"),
        )

    def test_missing_required_column(self, world):
        self.check(
            workbook(sessions=[["OK", "Lớp", "2024-05-10"]], session_header=["code", "title", "start_date"]),
            ("sessions", 1, "topics"),
        )

    def test_duplicate_session_code(self, world):
        self.check(
            workbook(sessions=[self.valid_session("DUP"), self.valid_session("DUP")]), ("sessions", 3, "code")
        )

    def test_duplicate_attendance_row(self, world):
        self.check(
            workbook(
                sessions=[self.valid_session()], attendance=[["OK-1", "P-LAN", "x"], ["OK-1", "P-LAN", "x"]]
            ),
            ("attendance", 3, "person_code"),
        )

    def test_not_a_workbook(self, world):
        result = import_attendance(b"this is not a spreadsheet", filename="a.xlsx")
        assert not result.ok and result.errors[0].sheet == "" and result.errors[0].message

    def test_empty_workbook(self, world):
        result = import_attendance(workbook(), filename="a.xlsx")
        assert not result.ok

    def test_every_error_is_reported_at_once(self, world):
        book = workbook(
            sessions=[
                ["A", "Lớp", "nope", None, None, "2024-05-10", None, None, None],
                ["B", "Lớp", "governance", "nope", None, "2024-05-10", None, None, None],
            ],
            attendance=[["A", "P-NOBODY", "x"]],
        )
        result = import_attendance(book, filename="a.xlsx")
        assert {
            ("sessions", 2, "topics"),
            ("sessions", 3, "course_slug"),
            ("attendance", 2, "person_code"),
        } <= set(errors_of(result))


class TestScope:
    def test_official_cannot_import_outside_her_scope(self, world, cast, tree):
        _course, _lan, _mai, far = world
        outside = TrainingSessionFactory(code="LX-1", org_unit=tree.other)
        book = workbook(
            sessions=[
                ["IN-1", "Lớp trong", "governance", None, "CM-KA", "2024-05-10", None, None, None],
                ["OUT-1", "Lớp ngoài", "governance", None, "LX", "2024-05-10", None, None, None],
                ["NOUNIT", "Lớp không địa bàn", "governance", None, None, "2024-05-10", None, None, None],
            ],
            attendance=[["IN-1", "P-FAR", "x"], ["LX-1", "P-LAN", "x"]],
        )
        result = import_attendance(book, filename="a.xlsx", user=cast.official_in)
        assert {
            ("sessions", 3, "org_unit_code"),
            ("sessions", 4, "org_unit_code"),
            ("attendance", 2, "person_code"),
            ("attendance", 3, "session_code"),
        } <= set(errors_of(result))
        assert TrainingSession.objects.get() == outside

    def test_learner_may_not_import(self, world, cast):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            import_attendance(good_book(), filename="a.xlsx", user=cast.a)


class TestDoors:
    def test_command_success_and_dry_run(self, world, tmp_path, capsys):
        path = tmp_path / "diem-danh.xlsx"
        path.write_bytes(good_book())
        call_command("import_attendance", str(path), "--dry-run")
        out = capsys.readouterr().out
        assert "Chạy thử" in out and "sessions: 2 tạo mới, 0 cập nhật, 0 không đổi" in out
        assert not TrainingSession.objects.exists()
        call_command("import_attendance", str(path))
        assert "attendance: 3 tạo mới" in capsys.readouterr().out
        assert TrainingSession.objects.count() == 2

    def test_command_errors_exit_1_with_one_line_each(self, world, tmp_path, capsys):
        path = tmp_path / "bad.xlsx"
        path.write_bytes(
            workbook(sessions=[["BAD", "Lớp", "nope", None, None, "2024-05-10", None, None, None]])
        )
        with pytest.raises(SystemExit) as exit_info:
            call_command("import_attendance", str(path))
        assert exit_info.value.code == 1
        err = capsys.readouterr().err
        assert err.startswith("sessions, 2, topics: ")
        assert "Traceback" not in err

    def test_command_on_a_missing_or_broken_file(self, world, tmp_path, capsys):
        broken = tmp_path / "broken.xlsx"
        broken.write_bytes(b"PK\x03\x04 not really")
        for path in (broken, tmp_path / "nope.xlsx"):
            with pytest.raises(SystemExit) as exit_info:
                call_command("import_attendance", str(path))
            assert exit_info.value.code == 1
        assert "Traceback" not in capsys.readouterr().err

    def test_api(self, world, cast):
        client = APIClient()
        url = "/api/v1/imports/attendance/"
        upload = lambda data, name="a.xlsx": SimpleUploadedFile(name, data)  # noqa: E731
        assert client.post(url, {"file": upload(good_book())}).status_code == 401
        client.force_authenticate(cast.a)
        assert client.post(url, {"file": upload(good_book())}).status_code == 403
        client.force_authenticate(cast.trainer)
        dry = client.post(f"{url}?dry_run=1", {"file": upload(good_book())})
        assert dry.status_code == 200 and dry.json()["dry_run"] is True
        assert not TrainingSession.objects.exists()
        done = client.post(url, {"file": upload(good_book())})
        assert done.status_code == 200
        assert done.json() == {
            "dry_run": False,
            "counts": {
                "sessions": {"created": 2, "updated": 0, "unchanged": 0},
                "attendance": {"created": 3, "updated": 0, "unchanged": 0},
            },
        }
        bad = client.post(url, {"file": upload(workbook(attendance=[["NOPE", "P-LAN", "x"]]))})
        assert bad.status_code == 400
        assert bad.json() == {
            "errors": [
                {
                    "sheet": "attendance",
                    "row": 2,
                    "column": "session_code",
                    "message": "Không có lớp tập huấn mã “NOPE”.",
                }
            ]
        }
        assert client.post(url, {}).status_code == 400

    def test_admin_upload_previews_then_imports(self, world, cast, client, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(cast.trainer)
        url = "/admin/learning/import-attendance/"
        assert client.get(url).status_code == 200
        preview = client.post(url, {"file": SimpleUploadedFile("diem-danh.xlsx", good_book())})
        html = preview.content.decode()
        assert "không có lỗi" in html and not TrainingSession.objects.exists()
        token = preview.context["token"]
        done = client.post(url, {"confirm": token})
        assert done.status_code == 302 and TrainingSession.objects.count() == 2
        # The same token cannot import twice.
        client.post(url, {"confirm": token})
        assert TrainingSession.objects.count() == 2

    def test_admin_upload_shows_the_error_table(self, world, cast, client):
        client.force_login(cast.trainer)
        bad = workbook(sessions=[["BAD", "Lớp", "nope", None, None, "2024-05-10", None, None, None]])
        html = client.post(
            "/admin/learning/import-attendance/", {"file": SimpleUploadedFile("x.xlsx", bad)}
        ).content.decode()
        assert "Không có chủ đề “nope”" in html and "chưa ghi gì" in html
