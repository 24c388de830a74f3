"""API of the courses app, mounted under /api/v1/."""

from django.urls import path

from courses import apis

urlpatterns = [
    path("courses/", apis.CourseListAPI.as_view(), name="api-courses"),
    path("courses/<int:course_id>/", apis.CourseDetailAPI.as_view(), name="api-course"),
    path("courses/<int:course_id>/enrol/", apis.CourseEnrolAPI.as_view(), name="api-course-enrol"),
    path("courses/<int:course_id>/unenrol/", apis.CourseUnenrolAPI.as_view(), name="api-course-unenrol"),
    path("enrollments/", apis.EnrollmentListAPI.as_view(), name="api-enrollments"),
    path("enrollments/<int:enrollment_id>/", apis.EnrollmentDetailAPI.as_view(), name="api-enrollment"),
    path("lessons/<int:lesson_id>/done/", apis.LessonDoneAPI.as_view(), name="api-lesson-done"),
    path("quizzes/<int:quiz_id>/attempts/", apis.AttemptStartAPI.as_view(), name="api-attempt-start"),
    path("attempts/", apis.AttemptListAPI.as_view(), name="api-attempts"),
    path("attempts/<int:attempt_id>/", apis.AttemptDetailAPI.as_view(), name="api-attempt"),
    path("attempts/<int:attempt_id>/submit/", apis.AttemptSubmitAPI.as_view(), name="api-attempt-submit"),
    path("completions/", apis.CompletionListAPI.as_view(), name="api-completions"),
    path("imports/attendance/", apis.AttendanceImportAPI.as_view(), name="api-import-attendance"),
]
