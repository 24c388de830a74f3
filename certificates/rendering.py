"""Turning a certificate into a PDF.

The certificate's HTML and its small page stylesheet are written here, with
Django's templates; WeasyPrint turns them into a PDF in a separate process
that imports neither Django nor the project (``certificates.pdf.engine``),
started on first use and kept for the life of this process. Faces are
DejaVu Serif and DejaVu Sans (Debian's fonts-dejavu, installed by
``scripts/sysdeps.sh``), found through fontconfig: they cover every
Vietnamese letter.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from certificates.models import PLACEHOLDER_RE, Certificate, CertificateTemplate
from certificates.pdf import engine

logger = logging.getLogger(__name__)

HONORIFICS = {"F": "bà", "M": "ông"}
# The mask segno's own scoring picks most often for verification URLs.
QR_MASK = 4

_lock = threading.Lock()
_images: OrderedDict = OrderedDict()
_CACHE_SIZE = 32


@dataclass(frozen=True)
class Line:
    kind: str  # "holder", "title" or "line"
    text: str


class RenderError(Exception):
    """WeasyPrint could not render this certificate."""


class RendererStopped(RenderError, OSError):
    """The rendering process died during a request: worth another try (an
    ``OSError``, as the tasks see it), with a new process."""


class Renderer:
    """The client side of one rendering process (see ``certificates.pdf.engine``).

    One per process, shared by its threads (one request at a time). A child
    made by fork (Celery's prefork pool) starts its own. When the rendering
    process dies, the request under way fails with ``RendererStopped`` and
    the next one starts a new process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._owner = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _start(self) -> subprocess.Popen:
        if self._process is not None and self._owner == os.getpid() and self._process.poll() is None:
            return self._process
        root = str(Path(__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "certificates.pdf.engine"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._owner = os.getpid()
        return self._process

    def render(self, html: str, css: str) -> bytes:
        """The PDF. A process found dead is replaced and asked once more;
        ``RendererStopped`` when the new one dies too."""
        request = json.dumps({"html": html, "css": css}).encode()
        with self._lock:
            try:
                kind, payload = self._ask(request)
            except RendererStopped:
                logger.warning("the rendering process stopped; starting another", exc_info=True)
                kind, payload = self._ask(request)
        if kind != b"O":
            raise RenderError(payload.decode(errors="replace"))
        return payload

    def _ask(self, request: bytes) -> tuple[bytes, bytes]:
        process = self._start()
        try:
            process.stdin.write(engine.HEADER.pack(len(request)) + request)
            process.stdin.flush()
            kind = engine.read_exactly(process.stdout, 1)
            (size,) = engine.HEADER.unpack(engine.read_exactly(process.stdout, engine.HEADER.size))
            return kind, engine.read_exactly(process.stdout, size)
        except (OSError, EOFError) as exc:
            self.stop()
            raise RendererStopped(f"the rendering process stopped: {exc!r}") from exc
        except BaseException:
            # Interrupted mid-request (a task's time limit): its answer would
            # be read as the next request's, so this process goes.
            self.stop(kill=True)
            raise

    def stop(self, *, kill: bool = False) -> None:
        process, self._process = self._process, None
        if process is None or self._owner != os.getpid():
            return
        if kill:
            process.kill()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:  # a broken pipe to a dead process
                pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


renderer = Renderer()


def _cached(cache: OrderedDict, key, make):
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with _lock:
        cache[key] = value
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def template_stylesheet(template: CertificateTemplate) -> str:
    """The template's own small stylesheet: paper and colours."""
    size = "A4 portrait" if template.paper == CertificateTemplate.Paper.A4_PORTRAIT else "A4 landscape"
    primary, accent = template.primary_colour, template.accent_colour
    return (
        f"@page {{ size: {size}; }}"
        f".frame {{ border-color: {primary}; }} h1, .holder {{ color: {primary}; }}"
        f".inner, .corner {{ border-color: {accent}; }}"
    )


def _image_data_uri(image, spec: str) -> str:
    """A small PNG rendition of a Wagtail image, inlined so that rendering
    reads no file by URL."""
    if image is None:
        return ""

    def make() -> str:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as fh:
            data = fh.read()
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii")

    return _cached(_images, (image.pk, image.file.name, spec), make)


def vn_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def vn_long_date(day: date, place: str = "") -> str:
    """ "Chợ Mới, ngày 05 tháng 02 năm 2024": a leading zero for days under 10
    and for January and February, as Vietnamese administrative documents
    write dates."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {d} tháng {m} năm {day.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def vn_number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def body_lines(body: str, values: dict[str, str]) -> list[Line]:
    """The template's body as paragraphs: placeholders filled, lines whose
    placeholder has no value left out, lone name and title lines marked."""
    lines = []
    for raw in (body or "").splitlines():
        raw = raw.strip()
        if not raw:
            continue
        names = [n for n in PLACEHOLDER_RE.findall(raw) if n in values]
        if any(not values[n] for n in names):
            continue
        text = PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), raw)
        kind = {"{holder_name}": "holder", "{title}": "title"}.get(raw, "line")
        lines.append(Line(kind, text))
    return lines


def qr_svg(url: str) -> str:
    """The verification URL as an inline SVG QR code (vector, no quiet zone:
    the stylesheet pads it with white).

    The mask is fixed: decoders read all eight masks, and scoring the eight
    to pick the "best", as segno does by default, is pure Python and cost
    as much as a quarter of a certificate's render time. The tests decode
    the printed code.
    """
    return segno.make(url, error="m", mask=QR_MASK).svg_inline(scale=1, border=0, omitsize=True, dark="#111")


def certificate_context(
    *,
    template: CertificateTemplate,
    holder_name: str,
    gender: str,
    birth_year: int | None,
    title: str,
    is_session: bool,
    hours: Decimal | None,
    start_date: date | None,
    end_date: date | None,
    issued_on: date,
    serial: str,
    verify_url: str,
) -> dict:
    values = {
        "honorific": HONORIFICS.get(gender, "ông/bà"),
        "holder_name": holder_name,
        "birth_year": str(birth_year or ""),
        "kind": "lớp tập huấn" if is_session else "khóa học",
        "title": title,
        "hours": vn_number(hours),
        "start_date": vn_date(start_date),
        "end_date": vn_date(end_date),
        "issued_on": vn_date(issued_on),
        "organisation": template.organisation,
    }
    return {
        "t": template,
        "lines": body_lines(template.body, values),
        "date_line": vn_long_date(issued_on, template.place),
        "serial": serial,
        "qr_svg": qr_svg(verify_url),
        "verify_host": urlparse(settings.SITE_URL).netloc or settings.SITE_URL,
        "logo": _image_data_uri(template.logo, "max-400x400|format-png"),
        "signature": _image_data_uri(template.signature, "max-600x240|format-png"),
    }


def render_pdf(*, template: CertificateTemplate, context: dict) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("certificates/pdf/certificate.html", context)
    return renderer.render(html, template_stylesheet(template))


def template_for_render(certificate: Certificate) -> CertificateTemplate:
    if certificate.template_id:
        return certificate.template
    from certificates.services import certificate_template_default

    return certificate_template_default()


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF of ``certificate`` (reads its template and person; writes nothing)."""
    template = template_for_render(certificate)
    person = certificate.person
    context = certificate_context(
        template=template,
        holder_name=certificate.holder_name,
        gender=person.gender,
        birth_year=person.birth_year,
        title=certificate.title,
        is_session=certificate.session_id is not None,
        hours=certificate.hours,
        start_date=certificate.start_date,
        end_date=certificate.end_date,
        issued_on=certificate.issued_on,
        serial=certificate.serial,
        verify_url=certificate.get_verify_url(),
    )
    return render_pdf(template=template, context=context)


SAMPLE_HOLDER = {
    "holder_name": "Nguyễn Thị Huỳnh Như",
    "gender": "F",
    "birth_year": 1985,
    "title": "Quản trị hợp tác xã theo Luật Hợp tác xã 2023",
    "hours": Decimal("24"),
}


def render_template_sample(*, template: CertificateTemplate) -> bytes:
    """The PDF ``template`` gives for a sample holder (the admin's preview)."""
    today = timezone.localdate()
    context = certificate_context(
        template=template,
        is_session=False,
        start_date=today.replace(day=1),
        end_date=today,
        issued_on=today,
        serial=f"NT-{today.year}-000000",
        verify_url=f"{settings.SITE_URL}/certificates/verify/mau-xem-thu/",
        **SAMPLE_HOLDER,
    )
    return render_pdf(template=template, context=context)
