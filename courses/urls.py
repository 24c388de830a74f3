"""Pages of the courses app, under /learning/."""

from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/unenrol/", views.unenrol, name="unenrol"),
    path("lessons/<int:lesson_id>/done/", views.lesson_done, name="lesson-done"),
    path("quizzes/<int:quiz_id>/start/", views.quiz_start, name="quiz-start"),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit_view, name="attempt-submit"),
]
