"""A page rendered once for everyone who may see it alike, with holes where
each visitor's own parts go: the *frame* of the page.

Templates mark those parts with ``{% personal "template.html" %}``
(``content.templatetags.frames``). In an ordinary rendering the tag includes
the template, as ``{% include %}`` would. When a frame is rendered
(``Frame.render``), each one leaves a mark instead, named with a nonce drawn
for that rendering, so no text of the page itself (a lesson body, a title)
can pass for a mark; the page is cut at the marks. ``Frame.fill`` renders the
personal templates for one request, with one context, and puts them back in
their places: the answer is the page the ordinary rendering would have given.

A frame holds whatever the template shows outside the personal parts, so
the cache key of a frame must name everything that part depends on (see
``LessonPage.page_frame``: the page and tree version, the site, the
language and what the menu offers the visitor).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.template import RequestContext, engines
from django.template.loader import render_to_string

# The context variable that turns the personal parts into marks.
FRAME_NONCE = "frame_nonce"


def personal_mark(nonce: str, template_name: str) -> str:
    return f"<!--personal:{nonce}:{template_name}-->"


@dataclass(frozen=True)
class Frame:
    """The page's HTML between the personal parts (one more piece than
    there are parts), and the template of each part."""

    pieces: tuple[str, ...]
    personal: tuple[str, ...]

    @classmethod
    def render(cls, template_name: str, context: dict, request) -> Frame:
        nonce = secrets.token_hex(12)
        html = render_to_string(template_name, {**context, FRAME_NONCE: nonce}, request=request)
        before, after = personal_mark(nonce, "\0").split("\0")
        cut = re.split(f"{re.escape(before)}(.+?){re.escape(after)}", html)
        return cls(pieces=tuple(cut[0::2]), personal=tuple(cut[1::2]))

    def fill(self, request, context: dict) -> str:
        """The page for ``request``: its personal parts rendered with
        ``context`` and the context processors, as in the ordinary
        rendering."""
        if not self.personal:
            return self.pieces[0]
        engine = engines["django"].engine
        templates = [engine.get_template(name) for name in self.personal]
        request_context = RequestContext(request, context)
        html = [self.pieces[0]]
        # The context processors run once, for all the parts.
        with request_context.bind_template(templates[0]):
            for template, piece in zip(templates, self.pieces[1:], strict=True):
                html.append(template.render(request_context))
                html.append(piece)
        return "".join(html)
