import datetime
import io
import shutil
import subprocess

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from certificates import rendering
from certificates.models import Certificate, CertificateTemplate
from certificates.services import certificate_render, certificate_template_default
from certificates.tasks import render_certificate
from tests.certificates.pdf_glyphs import VIETNAMESE, drawn_glyphs, missing_glyphs
from tests.factories.certificates import issue
from tests.factories.registry import PersonFactory

pytestmark = pytest.mark.django_db


def render_sample(template=None, **overrides) -> bytes:
    template = template or certificate_template_default()
    values = {
        "holder_name": "Nguyễn Thị Huỳnh Như",
        "gender": "F",
        "birth_year": 1985,
        "title": "Quản trị hợp tác xã theo Luật Hợp tác xã 2023",
        "is_session": False,
        "hours": None,
        "start_date": datetime.date(2024, 3, 1),
        "end_date": datetime.date(2024, 3, 5),
        "issued_on": datetime.date(2024, 3, 5),
        "serial": "NT-2024-000001",
        "verify_url": "https://nangtam.example.vn/certificates/verify/abc/",
        **overrides,
    }
    context = rendering.certificate_context(template=template, **values)
    return rendering.render_pdf(template=template, context=context)


def test_every_vietnamese_letter_is_drawn_with_a_real_dejavu_glyph():
    name = " ".join(VIETNAMESE[i : i + 12] for i in range(0, len(VIETNAMESE), 12))
    pdf = render_sample(holder_name=name, title="Tiêu đề " + VIETNAMESE[::-1])
    drawn = drawn_glyphs(pdf)
    assert {d.font.split("-")[0] for d in drawn} == {"DejaVu"}
    assert [d for d in drawn if d.glyph_id == 0 or (not d.has_outline and not d.char.isspace())] == []
    assert missing_glyphs(pdf, VIETNAMESE, family="DejaVu-Serif-Bold") == set()  # name and title face
    # Every character printed anywhere on the page has its own glyph, too.
    assert "\ufffd" not in {d.char for d in drawn}


def test_the_glyph_check_catches_a_font_without_vietnamese(tmp_path):
    # Negative control: DejaVu Serif cut down to ASCII, named alone in the
    # stylesheet; the checker must report the letters it lacks.
    font = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")
    subsetter = subset.Subsetter(subset.Options(notdef_outline=True))
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(font)
    path = tmp_path / "ascii-only.ttf"
    font.save(path)
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    css = CSS(
        string=f'@font-face {{ font-family: "Ascii Only"; src: url({path.as_uri()}); }} p {{ font-family: "Ascii Only"; }}',
        font_config=config,
    )
    pdf = HTML(string="<p>Nguyễn Thị Huỳnh Như</p>").write_pdf(stylesheets=[css], font_config=config)
    assert missing_glyphs(pdf, "Nguyễn Thị Huỳnh Như", family="Ascii") == set("ễịỳư")


def test_pdf_is_one_a4_landscape_page_with_name_title_and_serial():
    reader = PdfReader(io.BytesIO(render_sample()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = reader.pages[0].extract_text()
    for expected in ("GIẤY CHỨNG NHẬN", "Nguyễn Thị Huỳnh Như", "Luật Hợp tác xã 2023", "NT-2024-000001",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Chợ Mới, ngày 05 tháng 3 năm 2024"):  # fmt: skip
        assert expected in text


def test_portrait_template_and_blank_lines_left_out():
    template = CertificateTemplate.objects.create(
        name="Dọc", organisation="Hội LHPN xã Kiến An", paper=CertificateTemplate.Paper.A4_PORTRAIT
    )
    reader = PdfReader(io.BytesIO(render_sample(template, birth_year=None)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = reader.pages[0].extract_text()
    assert "Năm sinh" not in text and "Thời lượng" not in text  # no birth year, no hours
    assert "Thời gian: từ ngày 01/03/2024 đến ngày 05/03/2024" in text


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler-utils and zbar-tools"
)
def test_qr_code_decodes_to_the_verification_url(tmp_path):
    url = "https://nangtam.example.vn/certificates/verify/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde/"
    (tmp_path / "c.pdf").write_bytes(render_sample(verify_url=url))
    subprocess.run(["pdftoppm", "-png", "-r", "100", tmp_path / "c.pdf", tmp_path / "c"], check=True)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "c-1.png"], capture_output=True, text=True
    )
    assert decoded.stdout.strip() == url


def test_render_stores_one_pdf_and_a_second_run_changes_nothing(course, settings):
    certificate = issue(PersonFactory(), course=course)
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED and certificate.rendered_at
    first_name = certificate.pdf.name
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.name == first_name
    stored = list((settings.MEDIA_ROOT / "certificates").rglob("*.pdf"))
    assert [p.name for p in stored] == [first_name.rsplit("/", 1)[-1]]


def test_a_failed_render_is_recorded_on_the_certificate(course, monkeypatch):
    certificate = issue(course=course)

    def broken(_certificate):
        raise ValueError("mẫu hỏng")

    monkeypatch.setattr(rendering, "render_certificate_pdf", broken)
    assert render_certificate.delay(certificate.pk).get() == "failed"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.FAILED
    assert "mẫu hỏng" in certificate.error and not certificate.pdf


def test_a_transient_error_is_retried(course, monkeypatch):
    certificate = issue(course=course)
    real, calls = rendering.render_certificate_pdf, []

    def flaky(c):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("ổ lưu trữ không trả lời")
        return real(c)

    monkeypatch.setattr(rendering, "render_certificate_pdf", flaky)
    render_certificate.delay(certificate.pk)
    certificate.refresh_from_db()
    assert len(calls) == 2 and certificate.status == Certificate.Status.ISSUED


def test_rendering_runs_in_its_own_process_which_comes_back_after_a_crash():
    import os
    import signal

    assert render_sample().startswith(b"%PDF-")
    first = rendering.renderer.pid
    assert first is not None and first != os.getpid()
    os.kill(first, signal.SIGKILL)
    assert render_sample().startswith(b"%PDF-")
    assert rendering.renderer.pid not in (None, first)


def test_the_rendering_process_answers_an_error_and_goes_on():
    import io
    import json

    from certificates.pdf import engine

    def request(body: dict) -> bytes:
        data = json.dumps(body).encode()
        return engine.HEADER.pack(len(data)) + data

    answers = io.BytesIO()
    engine.serve(io.BytesIO(request({"css": ""}) + request({"html": "<p>Chào bà</p>"})), answers)
    answers.seek(0)
    kinds = []
    while kind := answers.read(1):
        (size,) = engine.HEADER.unpack(answers.read(engine.HEADER.size))
        kinds.append((kind, answers.read(size)[:5]))
    assert kinds[0][0] == b"E" and kinds[0][1].startswith(b"KeyEr")
    assert kinds[1] == (b"O", b"%PDF-")
