"""A learner on a phone finds a course, studies it, fails and then passes
its quiz, downloads her certificate and checks it through its QR code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

COURSE = "Bán hàng trực tuyến cho sản phẩm HTX và OCOP"
CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "content" / "catalogue" / "03-ban-hang-truc-tuyen.yaml"
HOLDER = "Võ Thị Thu Út"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser_context_args(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True),
]


def _answer_key() -> list[dict]:
    """The course's quiz as the demo loads it: prompt, type, right answers."""
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))["quiz"]["questions"]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _answer(page, *, right: bool) -> None:
    """Tick every question of the open attempt, all right or all wrong
    (questions and options are shuffled: they are found by their text)."""
    key = {_squash(q["prompt"]): q for q in _answer_key()}
    questions = page.locator("li.question")
    assert questions.count() == len(key)
    for i in range(questions.count()):
        question = questions.nth(i)
        legend = _squash(question.locator("legend").inner_text())
        spec = next(spec for prompt, spec in key.items() if legend.endswith(prompt))
        if spec["type"] == "true_false":
            value = "true" if bool(spec["answer"]) == right else "false"
            question.locator(f"input[value='{value}']").check()
            continue
        wanted = [c["text"] for c in spec["choices"] if c["correct"] == right]
        if spec["type"] == "single":
            wanted = wanted[:1]
        for text in wanted:
            question.locator("label.option", has_text=text).locator("input").check()


def test_learner_on_a_phone_earns_and_verifies_a_certificate(page, server, log_in, shots, tmp_path):
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to read the QR code")

    page.goto(f"{server}/accounts/login/")
    shots(page, "login")
    log_in(page, "hocvien")
    shots(page, "home-logged-in")

    # Search without diacritics.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Khóa học", exact=True
    ).click()
    page.get_by_label("Tìm khóa học, bài học").fill("thuong mai dien tu")
    page.get_by_role("search").get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("status")).to_contain_text("thuong mai dien tu")
    card = page.locator(".course-card", has_text=COURSE)
    expect(card).to_be_visible()
    shots(page, "search-results")
    card.get_by_role("link", name=COURSE).click()

    # Enrol.
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    page.get_by_role("button", name="Đăng ký học").click()
    expect(page.get_by_text("Bạn đã đăng ký học khóa học này.")).to_be_visible()
    shots(page, "course-enrolled")
    lessons = page.locator("ol.syllabus > li:not(.syllabus-quiz)").count()
    assert lessons == 6
    page.locator(".learning-box a.btn", has_text="Bắt đầu học").click()

    # Read every lesson: "done" leads to the next one, then to the quiz.
    for n in range(1, lessons + 1):
        expect(page.locator(".lesson .eyebrow")).to_contain_text(f"Bài {n}/{lessons}")
        if n in (1, lessons):
            shots(page, f"lesson-{n}")
        page.get_by_role("button", name="Đã học xong").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bài kiểm tra cuối khóa")
    shots(page, "quiz")

    # First attempt: every answer wrong.
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("li.question")).to_have_count(len(_answer_key()))
    _answer(page, right=False)
    shots(page, "attempt-1-answered")
    page.get_by_role("button", name="Nộp bài").click()
    result = page.locator("section.result")
    expect(result).to_contain_text("Kết quả lượt 1")
    expect(result).to_contain_text("Chưa đạt")
    shots(page, "attempt-1-failed")

    # Second attempt: every answer right.
    page.get_by_role("button", name="Làm lại bài kiểm tra").click()
    _answer(page, right=True)
    page.get_by_role("button", name="Nộp bài").click()
    expect(result).to_contain_text("Kết quả lượt 2")
    expect(result).to_contain_text("100%")
    expect(result).to_contain_text("Chúc mừng! Bạn đã hoàn thành khóa học.")
    shots(page, "attempt-2-passed")

    # The certificate, issued inline (Celery eager): download the PDF.
    result.get_by_role("link", name="Xem giấy chứng nhận của tôi").click()
    cert = page.locator(".cert-card", has_text=COURSE)
    expect(cert).to_contain_text("Đã cấp")
    shots(page, "my-certificates")
    with page.expect_download() as download_info:
        cert.get_by_role("link", name="Tải PDF").click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert download_info.value.suggested_filename.endswith(".pdf")

    # Its QR code leads to the public verification page.
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page*.png"))
    assert images, "pdftoppm rendered no page"
    shutil.copy(images[0], shots.folder / f"{shots.count + 1:02d}-certificate-pdf.png")
    shots.count += 1
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(images[0])], capture_output=True, text=True, check=False
    ).stdout.strip()
    assert re.fullmatch(rf"{re.escape(server)}/certificates/verify/[\w-]+/", decoded), decoded
    page.goto(decoded)
    verdict = page.locator(".verify-card")
    expect(verdict).to_contain_text("Giấy chứng nhận hợp lệ")
    expect(verdict.locator(".holder")).to_have_text(HOLDER)
    expect(verdict).to_contain_text(COURSE)
    shots(page, "verification")
