"""Turning a certificate into a PDF with WeasyPrint.

WeasyPrint spends most of a first render loading fonts and parsing CSS, so
one ``FontConfiguration`` and the parsed stylesheets are kept for the life of
the process (a Celery worker renders thousands with them), and so are each
template's small stylesheet (colours, paper) and images.
Faces are DejaVu Serif and DejaVu Sans (Debian's fonts-dejavu, installed by
``scripts/sysdeps.sh``), found through fontconfig: they cover every
Vietnamese letter.
"""

from __future__ import annotations

import base64
import gc
import logging
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

CSS_PATH = Path(__file__).resolve().parent / "pdf" / "certificate.css"
HONORIFICS = {"F": "bà", "M": "ông"}
# The mask segno's own scoring picks most often for verification URLs.
QR_MASK = 4

# One line per render at INFO would flood a worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

_lock = threading.Lock()
_font_config = None
_base_css = None
_url_fetcher = None
_html_class = None
_template_css: OrderedDict = OrderedDict()
_images: OrderedDict = OrderedDict()
_CACHE_SIZE = 32


@dataclass(frozen=True)
class Line:
    kind: str  # "holder", "title" or "line"
    text: str


# The few user-agent rules the certificate's markup needs. WeasyPrint's own
# HTML5 stylesheet has hundreds of rules, and matching them against every
# element costs about a sixth of a render.
UA_CSS = """
head, title, meta, style, script { display: none }
html, body, div, p, h1, hr { display: block }
b { font-weight: bold } i { font-style: italic } small { font-size: smaller }
img, svg { overflow: hidden }
"""


def _weasy():
    """The shared FontConfiguration, stylesheets, URL fetcher and HTML class,
    made on first use."""
    global _font_config, _base_css, _url_fetcher, _html_class
    if _base_css is None:
        with _lock:
            if _base_css is None:
                from weasyprint import CSS, HTML
                from weasyprint.text.fonts import FontConfiguration
                from weasyprint.urls import URLFetcher

                ua_css = CSS(string=UA_CSS)

                class CertificateHTML(HTML):
                    # A private hook of WeasyPrint (pinned in requirements.txt);
                    # if it goes away, rendering stays correct, only slower.
                    def _ua_stylesheets(self, forms=False):
                        return [ua_css]

                _speed_up_svg_numbers()
                # What is alive now (Django, Wagtail, WeasyPrint, fonts) lives
                # as long as the process: freeze it out of the collector, so
                # that the collection after each render (below) only walks
                # that render's objects (about 2 ms instead of 100).
                gc.collect()
                gc.freeze()
                _url_fetcher = URLFetcher()
                _html_class = CertificateHTML
                _font_config = FontConfiguration()
                _base_css = CSS(filename=str(CSS_PATH), font_config=_font_config)
    return _font_config, _base_css


def _speed_up_svg_numbers() -> None:
    """Give WeasyPrint's SVG length parser a fast path for plain numbers.

    A QR code is one SVG path of about 900 commands; WeasyPrint 70 parses each
    number through ``svg.utils.size``, which re-imports a module and sets up a
    ``contextlib.suppress`` on every call: about a sixth of a certificate's
    render time. The fast path returns exactly what ``size`` returns for a
    plain number and hands everything else (units, percentages, empty
    values) to the original. Only for the 70 series, whose code this was
    checked against.
    """
    import weasyprint
    from weasyprint import svg
    from weasyprint.svg import utils

    original = utils.size
    if not weasyprint.__version__.startswith("70.") or getattr(original, "fast_path", False):
        return

    def size(string, font_size=None, percentage_reference=None):
        try:
            return float(string)
        except (TypeError, ValueError):
            return original(string, font_size, percentage_reference)

    size.fast_path = True
    utils.size = svg.size = size


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


def _template_stylesheet(template: CertificateTemplate):
    """The template's own small stylesheet (paper, colours), parsed once."""
    from weasyprint import CSS

    font_config, _base = _weasy()
    size = "A4 portrait" if template.paper == CertificateTemplate.Paper.A4_PORTRAIT else "A4 landscape"
    primary, accent = template.primary_colour, template.accent_colour
    css = (
        f"@page {{ size: {size}; }}"
        f".frame {{ border-color: {primary}; }} h1, .holder {{ color: {primary}; }}"
        f".inner, .corner {{ border-color: {accent}; }}"
    )
    return _cached(_template_css, css, lambda: CSS(string=css, font_config=font_config))


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
    font_config, base_css = _weasy()
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("certificates/pdf/certificate.html", context)
    document = _html_class(string=html, base_url=str(CSS_PATH.parent), url_fetcher=_url_fetcher)
    pdf = document.write_pdf(stylesheets=[base_css, _template_stylesheet(template)], font_config=font_config)
    # A render leaves thousands of boxes in reference cycles; collected now,
    # a worker's memory stays flat instead of creeping up by tens of MB
    # until the next full collection.
    del document
    gc.collect()
    return pdf


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
