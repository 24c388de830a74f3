"""Rich text that keeps only what Wagtail's editor could have written.

Wagtail cleans rich text only on its way through the admin's editor (HTML to
Draft.js content state and back); a value written by code (the catalogue
loader, a script, an import) is stored and rendered as given, <script>,
``onerror=`` and ``javascript:`` links included. The block and the field
here check every value when it is saved: markup made only of harmless
elements and attributes is kept byte for byte (so that loading the same
catalogue twice changes nothing); anything else goes through the editor's
own conversion, which drops what its features do not allow.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.utils.html import format_html, strip_tags
from wagtail import blocks
from wagtail.fields import RichTextField

# Elements and attributes of Wagtail's stored rich-text format (and plain
# presentational ones) that cannot run script.
SAFE_TAGS = frozenset(
    {"p", "br", "hr", "b", "strong", "i", "em", "u", "s", "sub", "sup", "code", "blockquote"}
    | {"h2", "h3", "h4", "h5", "h6", "ol", "ul", "li", "a", "embed"}
)
SAFE_ATTRIBUTES = frozenset(
    {"data-block-key", "href", "linktype", "id", "embedtype", "format", "alt", "url"}
    | {"class", "title", "lang", "dir", "rel", "target"}
)
SAFE_HREF = re.compile(r"^\s*(https?:|mailto:|tel:|/|#|\?)", re.IGNORECASE)


class _Audit(HTMLParser):
    """Finds any element, attribute, link or markup outside the safe lists."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.safe = True

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.safe = False
        for name, value in attrs:
            if name not in SAFE_ATTRIBUTES or (name == "href" and not SAFE_HREF.match(value or "")):
                self.safe = False

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag not in SAFE_TAGS:
            self.safe = False

    def handle_comment(self, data):
        self.safe = False

    def handle_decl(self, decl):
        self.safe = False

    def handle_pi(self, data):
        self.safe = False

    def unknown_decl(self, data):
        self.safe = False


def is_safe_rich_text(html: str) -> bool:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.safe


def clean_rich_text(html: str, features: list[str] | None = None) -> str:
    """``html`` itself when it is harmless; otherwise ``html`` with only the
    elements, attributes and link kinds that the ``features`` of Wagtail's
    editor allow."""
    if not html or is_safe_rich_text(html):
        return html
    # Imported here: the admin's converters load models, and this module is
    # imported while the models themselves are being defined.
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
    from wagtail.rich_text import features as feature_registry

    if features is None:
        features = feature_registry.get_default_features()
    converter = ContentstateConverter(features=features)
    try:
        return converter.to_database_format(converter.from_database_format(html))
    except AssertionError:
        # Markup the converter cannot follow (unbalanced tags): keep the words only.
        return format_html("<p>{}</p>", strip_tags(html))


class CleanRichTextBlock(blocks.RichTextBlock):
    """A ``RichTextBlock`` whose value is cleaned when it is saved."""

    def get_prep_value(self, value):
        source = super().get_prep_value(value)
        return clean_rich_text(source, self.features)

    def deconstruct(self):
        # Stored and migrated exactly as Wagtail's block.
        _path, args, kwargs = super().deconstruct()
        return "wagtail.blocks.RichTextBlock", args, kwargs


class CleanRichTextField(RichTextField):
    """A ``RichTextField`` whose value is cleaned when it is saved."""

    def pre_save(self, model_instance, add):
        value = clean_rich_text(getattr(model_instance, self.attname), self.features)
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "wagtail.fields.RichTextField", args, kwargs
