"""Simple generated course covers: the brand's triangles on the topic's colour.

No text (the page shows the title) and no download: Pillow draws a few
shapes, placed from the course slug so that a course always gets the same
picture.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

WIDTH, HEIGHT = 1200, 675

# (background, accent) per topic: dark enough behind white, calm together.
PALETTES = {
    "governance": ((11, 107, 79), (246, 201, 69)),
    "accounting": ((23, 78, 122), (246, 201, 69)),
    "ecommerce": ((150, 58, 43), (255, 214, 120)),
    "technology": ((40, 96, 60), (170, 220, 120)),
    "advocacy": ((118, 46, 92), (246, 201, 69)),
    "coop_development": ((92, 72, 20), (246, 201, 69)),
    "other": ((60, 70, 80), (246, 201, 69)),
}


def cover_png(*, slug: str, topic: str) -> bytes:
    """A 1200×675 PNG for the course ``slug`` in the colours of ``topic``."""
    background, accent = PALETTES.get(topic, PALETTES["other"])
    seed = hashlib.sha256(slug.encode()).digest()
    image = PILImage.new("RGB", (WIDTH, HEIGHT), background)
    layer = PILImage.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    # Rolling hills of lighter triangles along the bottom.
    for i in range(7):
        width = 260 + seed[i] % 220
        left = -120 + i * 200 + seed[i + 7] % 80
        top = HEIGHT - 160 - seed[i + 14] % 260
        shade = 18 + seed[i + 21] % 22
        draw.polygon(
            [(left, HEIGHT), (left + width // 2, top), (left + width, HEIGHT)],
            fill=(255, 255, 255, shade),
        )
    # The brand's rising triangle, in the accent colour.
    size = 150 + seed[30] % 60
    x = 140 + seed[31] % 700
    y = 120 + seed[29] % 120
    draw.polygon([(x, y + size), (x + size // 2, y), (x + size, y + size)], fill=(*accent, 255))
    draw.ellipse((WIDTH - 260, 70, WIDTH - 150, 180), fill=(*accent, 90))
    image = PILImage.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def course_cover(*, slug: str, title: str, topic: str):
    """A new Wagtail image: the generated cover of a course."""
    image_model = get_image_model()
    image = image_model(
        title=f"Ảnh bìa: {title}"[:255],
        file=ImageFile(BytesIO(cover_png(slug=slug, topic=topic)), name=f"cover-{slug}.png"),
    )
    image.save()
    return image
