"""Shapes of the learner API. Built from selectors' results; no logic here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TopicSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(source="label")


class PageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField()
    summary = serializers.CharField()
    topics = TopicSerializer(many=True)
    audience = serializers.CharField()
    estimated_hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    earns_certificate = serializers.BooleanField()


class LessonRefSerializer(PageRefSerializer):
    done = serializers.BooleanField(help_text=_("Học viên đã học xong bài này (false khi chưa đăng nhập)."))


class QuizRefSerializer(PageRefSerializer):
    pass_mark = serializers.IntegerField()
    max_attempts = serializers.IntegerField(help_text=_("0 nghĩa là không giới hạn."))
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    question_count = serializers.IntegerField()
    passed = serializers.BooleanField()


class ProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField()
    done_steps = serializers.IntegerField()
    total_steps = serializers.IntegerField()
    done_lesson_ids = serializers.ListField(child=serializers.IntegerField())
    passed_quiz_ids = serializers.ListField(child=serializers.IntegerField())
    continue_at = PageRefSerializer(allow_null=True, help_text=_("Bài học hoặc bài kiểm tra nên học tiếp."))


class EnrollmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = PageRefSerializer()
    status = serializers.ChoiceField(choices=["active", "withdrawn"])
    enrolled_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    progress = ProgressSerializer()


class CourseDetailSerializer(CourseSerializer):
    lessons = LessonRefSerializer(many=True)
    quizzes = QuizRefSerializer(many=True)
    enrollment = EnrollmentSerializer(allow_null=True, help_text=_("Đăng ký học của người đang gọi, nếu có."))


class ChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=["single", "multiple", "true_false"])
    prompt = serializers.CharField()
    choices = ChoiceSerializer(many=True)


class ResultChoiceSerializer(ChoiceSerializer):
    chosen = serializers.BooleanField()


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    prompt = serializers.CharField()
    choices = ResultChoiceSerializer(many=True)
    correct = serializers.BooleanField()
    explanation = serializers.CharField(allow_blank=True)


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = PageRefSerializer()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["in_progress", "submitted", "expired"])
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    question_count = serializers.IntegerField()
    questions = QuestionSerializer(
        many=True,
        allow_null=True,
        help_text=_("Câu hỏi và phương án khi lượt đang làm (không có đáp án); null khi đã nộp."),
    )
    score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    correct_count = serializers.IntegerField(allow_null=True)
    pass_mark = serializers.IntegerField()
    passed = serializers.BooleanField(allow_null=True)
    review = serializers.ChoiceField(
        choices=["none", "score", "full"],
        help_text=_("Mức xem lại theo quy định của bài kiểm tra: none (đang làm), score, full."),
    )
    results = QuestionResultSerializer(
        many=True, allow_null=True, help_text=_("Đúng/sai và giải thích từng câu, khi review = full.")
    )


class SubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(), allow_empty=True),
        help_text=_("Mã câu hỏi → danh sách mã phương án đã chọn."),
    )


class CompletionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["course", "session"])
    course_id = serializers.IntegerField(allow_null=True)
    session_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    topics = serializers.ListField(child=serializers.CharField())
    completed_on = serializers.DateField()
    source = serializers.ChoiceField(choices=["online", "in_person"])


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class AttendanceSheetCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class AttendanceImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(
        child=AttendanceSheetCountsSerializer(), help_text=_("Theo trang tính, theo thứ tự nhập.")
    )


class AttendanceImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField(help_text=_("Để trống khi lỗi là của cả tệp."))
    row = serializers.IntegerField(allow_null=True, help_text=_("Số dòng như Excel hiển thị."))
    column = serializers.CharField()
    message = serializers.CharField()


class AttendanceImportErrorsSerializer(serializers.Serializer):
    errors = AttendanceImportErrorSerializer(many=True)


class AttendanceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("Bảng tính .xlsx hoặc một tệp .csv (sessions.csv / attendance.csv).")
    )
