"""The certificate renderer: HTML and CSS in, PDF out, with WeasyPrint.

This module imports neither Django nor the project, so that it can run as
its own small process (``python -m certificates.pdf.engine``), started by
``certificates.rendering``. Django, Wagtail and the rest weigh about 130 MB
in a process; WeasyPrint with its fonts about 60 MB. Keeping them apart
holds a rendering process well under 150 MB, and a crash in the native
libraries (Pango, HarfBuzz) costs one certificate, not the Celery worker.

WeasyPrint spends most of a first render loading fonts and parsing CSS, so
one ``FontConfiguration`` and the parsed stylesheets live as long as the
process (it renders thousands with them).

Protocol on the standard streams, one request at a time: the request is a
4-byte big-endian length and that many bytes of UTF-8 JSON
``{"html": ..., "css": ...}``; the answer is one byte, ``O`` (the payload is
the PDF) or ``E`` (the payload is the error, UTF-8), then a 4-byte length and
the payload. The process ends when its standard input closes.
"""

from __future__ import annotations

import gc
import json
import os
import struct
import sys
import threading
from collections import OrderedDict
from pathlib import Path

CSS_PATH = Path(__file__).resolve().parent / "certificate.css"

# The few user-agent rules the certificate's markup needs. WeasyPrint's own
# HTML5 stylesheet has hundreds of rules, and matching them against every
# element costs about a sixth of a render.
UA_CSS = """
head, title, meta, style, script { display: none }
html, body, div, p, h1, hr { display: block }
b { font-weight: bold } i { font-style: italic } small { font-size: smaller }
img, svg { overflow: hidden }
"""

_lock = threading.Lock()
_state: dict = {}
_page_css: OrderedDict = OrderedDict()
_CACHE_SIZE = 32


def _weasy() -> dict:
    """The shared FontConfiguration, stylesheets, URL fetcher and HTML class,
    made on first use."""
    if not _state:
        with _lock:
            if not _state:
                import logging

                from weasyprint import CSS, HTML
                from weasyprint.text.fonts import FontConfiguration
                from weasyprint.urls import URLFetcher

                # One line per render at INFO would flood a log.
                logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
                ua_css = CSS(string=UA_CSS)

                class CertificateHTML(HTML):
                    # A private hook of WeasyPrint (pinned in requirements.txt);
                    # if it goes away, rendering stays correct, only slower.
                    def _ua_stylesheets(self, forms=False):
                        return [ua_css]

                _speed_up_svg_numbers()
                font_config = FontConfiguration()
                base_css = CSS(filename=str(CSS_PATH), font_config=font_config)
                # What is alive now lives as long as the process: freeze it out
                # of the collector, so that the collection after each render
                # (below) only walks that render's objects.
                gc.collect()
                gc.freeze()
                _state.update(
                    font_config=font_config,
                    base_css=base_css,
                    html_class=CertificateHTML,
                    url_fetcher=URLFetcher(),
                    css_class=CSS,
                )
    return _state


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


def _stylesheet(css: str):
    """A page's own small stylesheet (paper, colours), parsed once."""
    state = _weasy()
    with _lock:
        if css in _page_css:
            _page_css.move_to_end(css)
            return _page_css[css]
    sheet = state["css_class"](string=css, font_config=state["font_config"])
    with _lock:
        _page_css[css] = sheet
        while len(_page_css) > _CACHE_SIZE:
            _page_css.popitem(last=False)
    return sheet


def render(html: str, css: str = "") -> bytes:
    """The PDF of ``html`` styled by the certificate's stylesheet and ``css``."""
    state = _weasy()
    document = state["html_class"](
        string=html, base_url=str(CSS_PATH.parent), url_fetcher=state["url_fetcher"]
    )
    sheets = [state["base_css"], _stylesheet(css)] if css else [state["base_css"]]
    pdf = document.write_pdf(stylesheets=sheets, font_config=state["font_config"])
    # A render leaves thousands of boxes in reference cycles; collected now,
    # the process's memory stays flat instead of creeping up by tens of MB
    # until the next full collection.
    del document
    gc.collect()
    return pdf


# --- the process -------------------------------------------------------------

HEADER = struct.Struct(">I")


def read_exactly(stream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def write_message(stream, kind: bytes, payload: bytes) -> None:
    stream.write(kind + HEADER.pack(len(payload)) + payload)
    stream.flush()


def serve(requests, answers) -> None:
    """Answer render requests from ``requests`` on ``answers`` until EOF."""
    _weasy()
    while True:
        try:
            (size,) = HEADER.unpack(read_exactly(requests, HEADER.size))
            request = json.loads(read_exactly(requests, size))
        except EOFError:
            return
        try:
            pdf = render(request["html"], request.get("css", ""))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, who decides
            write_message(answers, b"E", f"{type(exc).__name__}: {exc}".encode())
        else:
            write_message(answers, b"O", pdf)


def main() -> None:
    # The protocol owns the real standard output; anything printed goes to
    # the standard error, which the parent shares.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
