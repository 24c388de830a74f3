"""Locust users of ``bench_load``: learners of the demo (the mix), readers
of lessons, and a visitor of the bare yardstick page.

The plan (accounts with their session keys, course, lesson, quiz and
certificate addresses) is the JSON file named by ``BENCH_LOAD_PLAN``; the
benchmark writes it before it starts Locust. Learners and readers are
logged in already (their sessions were created with the accounts), so no
password hashing weighs on the measure. At the end the quiz submissions the
server confirmed are written to the plan's ``results`` file, for the
database check.

``BENCH_LOAD_WAIT="min,max"`` is the learners' think time between two tasks,
in seconds (default 0.5 to 1.5). Readers and the bare visitor never wait:
they measure what the server can serve.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie, DefaultCookiePolicy
from urllib.parse import urlparse

import gevent
from locust import FastHttpUser, between, constant, events, task

PLAN: dict = {}
if os.environ.get("BENCH_LOAD_PLAN"):
    with open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8") as fh:
        PLAN = json.load(fh)
WAIT = [float(x) for x in os.environ.get("BENCH_LOAD_WAIT", "0.5,1.5").split(",")]
# Every n-th submission of a learner is sent twice at once (a double tap on
# "Nộp bài"): the server must grade the attempt once and answer both.
DOUBLE_SUBMIT_EVERY = 4

ACCOUNTS = itertools.count()
# Attempts the server confirmed as graded: {"user", "attempt"}; and those
# whose answer never came back (the run stopped in between).
CONFIRMED: list[dict] = []
UNCONFIRMED: list[dict] = []

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHOICE = re.compile(r'name="(q-[^"]+)" value="([^"]+)"')
ATTEMPT_PATH = re.compile(r"/learning/attempts/(\d+)/$")


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=True,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


@events.test_stop.add_listener
def _write_results(environment, **_kwargs):
    path = PLAN.get("results")
    if path and Learner in environment.user_classes:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"confirmed": CONFIRMED, "unconfirmed": UNCONFIRMED}, fh)


class LoggedIn(FastHttpUser):
    """A logged-in account of the plan, enrolled in every course, that reads
    the lessons of a course in order (then those of another course)."""

    abstract = True

    def on_start(self):
        account = PLAN["learners"][next(ACCOUNTS) % len(PLAN["learners"])]
        self.username = account["username"]
        self.display_name = account["name"]
        host = urlparse(self.host).hostname
        # In production the site is behind HTTPS and its cookies are Secure;
        # on loopback the client sends them back over plain HTTP, as a
        # browser does over HTTPS.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.client.cookiejar.set_cookie(_cookie(PLAN["session_cookie"], account["session"], host))
        self.course = random.choice(PLAN["courses"])
        self.position = random.randrange(len(self.course["lessons"]))

    def _mine(self, resp) -> bool:
        """The page is the learner's own (not another learner's cached copy)."""
        if f'class="who">{self.display_name}<' not in resp.text:
            resp.failure("not this learner's page")
            return False
        return True

    def read_lesson(self):
        lessons = self.course["lessons"]
        if self.position >= len(lessons):
            self.course = random.choice(PLAN["courses"])
            self.position = 0
            lessons = self.course["lessons"]
        with self.client.get(lessons[self.position], name="lesson", catch_response=True) as resp:
            if resp.status_code == 200 and self._mine(resp) and 'class="lesson-body"' not in resp.text:
                resp.failure("no lesson body")
        self.position += 1


class Reader(LoggedIn):
    """Reads lessons and nothing else, as fast as they are answered."""

    wait_time = constant(0)

    @task
    def lesson(self):
        self.read_lesson()


class Learner(LoggedIn):
    """A learner at her own pace: reads lessons in order, looks at the
    catalogue and course pages, takes quizzes (start, answer, submit, see
    the result) and checks a certificate's verification page."""

    wait_time = between(*WAIT)

    def on_start(self):
        super().on_start()
        self.attempts_left = {c["quiz"]: c["max_attempts"] or 10**6 for c in PLAN["courses"] if c["quiz"]}
        self.submissions = 0

    @task(12)
    def lesson(self):
        self.read_lesson()

    @task(2)
    def catalogue(self):
        with self.client.get(PLAN["catalogue"], name="catalogue", catch_response=True) as resp:
            if resp.status_code == 200:
                self._mine(resp)

    @task(2)
    def course_page(self):
        with self.client.get(self.course["url"], name="course", catch_response=True) as resp:
            if resp.status_code == 200:
                self._mine(resp)

    @task(1)
    def verify_certificate(self):
        code = random.choice(PLAN["certificates"])
        self.client.get(f"/certificates/verify/{code}/", name="certificate verify")

    @task(1)
    def quiz(self):
        candidates = [c for c in PLAN["courses"] if c["quiz"] and self.attempts_left[c["quiz"]] > 0]
        if not candidates:
            return
        course = random.choice(candidates)
        quiz_id = course["quiz"]
        with self.client.get(course["quiz_url"], name="quiz page", catch_response=True) as resp:
            if resp.status_code != 200 or not self._mine(resp):
                return
            token = CSRF.search(resp.text)
            if f"/learning/quizzes/{quiz_id}/start/" not in resp.text or token is None:
                self.attempts_left[quiz_id] = 0
                return
        resp = self.client.post(
            f"/learning/quizzes/{quiz_id}/start/",
            data={"csrfmiddlewaretoken": token.group(1)},
            name="quiz start",
            allow_redirects=False,
        )
        started = ATTEMPT_PATH.search(urlparse(resp.headers.get("Location", "")).path)
        if resp.status_code != 302 or started is None:
            return
        self.attempts_left[quiz_id] -= 1
        attempt_url = started.group(0)
        with self.client.get(attempt_url, name="quiz form", catch_response=True) as resp:
            if resp.status_code != 200:
                return
            token = CSRF.search(resp.text)
            by_question: dict[str, list[str]] = {}
            for name, value in CHOICE.findall(resp.text):
                by_question.setdefault(name, []).append(value)
            if token is None or not by_question:
                resp.failure("no question form")
                return
        answers = {name: random.choice(values) for name, values in by_question.items()}
        answers["csrfmiddlewaretoken"] = token.group(1)
        self.submissions += 1
        record = {"user": self.username, "attempt": int(started.group(1))}
        UNCONFIRMED.append(record)
        times = 2 if self.submissions % DOUBLE_SUBMIT_EVERY == 0 else 1
        jobs = [
            gevent.spawn(
                self.client.post,
                f"{attempt_url}submit/",
                data=answers,
                name="quiz submit",
                allow_redirects=False,
            )
            for _ in range(times)
        ]
        gevent.joinall(jobs)
        answered = [job.value for job in jobs]
        if not all(r is not None and r.status_code == 302 for r in answered):
            return
        if not all(r.headers.get("Location", "").endswith(attempt_url) for r in answered):
            return
        with self.client.get(attempt_url, name="quiz result", catch_response=True) as resp:
            if resp.status_code != 200:
                return
            if 'id="attempt-form"' in resp.text:
                resp.failure("submitted attempt still open")
                return
        UNCONFIRMED.remove(record)
        CONFIRMED.append(record)


class BareVisitor(FastHttpUser):
    """Asks for the bare yardstick page, as fast as it is answered."""

    wait_time = constant(0)

    @task
    def bare(self):
        self.client.get(PLAN["bare"], name="bare view")
