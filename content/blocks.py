"""StreamField blocks for lessons and quizzes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from content.richtext import CleanRichTextBlock

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]

# Renditions of a lesson image: 360, 720 and 1080 px wide WebP, for phones
# at one to three device pixels per CSS pixel. figure.html uses the same specs.
FIGURE_SPECS = ("width-360|format-webp", "width-720|format-webp", "width-1080|format-webp")

VIDEO_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg"}

_NUMBER = re.compile(r"^[\s+\-−]*[\d.,]+\s*(%|đ|đồng|kg|ha|giờ|phút|người)?$", re.IGNORECASE)


class PhoneImageChooserBlock(ImageChooserBlock):
    """An image chooser that fetches, with the images of a whole lesson, their
    phone renditions: one query for any number of images."""

    def bulk_to_python(self, values):
        from wagtail.images import get_image_model

        values = list(values)
        ids = [v for v in values if v is not None]
        if not ids:
            return [None] * len(values)
        found = get_image_model().objects.prefetch_renditions(*FIGURE_SPECS).in_bulk(ids)
        return [found.get(v) if v is not None else None for v in values]


class HeadingBlock(blocks.CharBlock):
    """A section heading inside a lesson."""

    class Meta:
        icon = "title"
        template = "content/blocks/heading.html"
        label = _("Tiêu đề mục")


class FigureBlock(blocks.StructBlock):
    """An image with alternative text and an optional caption."""

    image = PhoneImageChooserBlock(label=_("Ảnh"))
    alt = blocks.CharBlock(label=_("Mô tả ảnh (cho người đọc bằng máy)"), required=False)
    caption = blocks.CharBlock(label=_("Chú thích"), required=False)

    class Meta:
        icon = "image"
        template = "content/blocks/figure.html"
        label = _("Ảnh")
        description = _("Ảnh minh hoạ, hiển thị vừa màn hình điện thoại")


class VideoEmbedBlock(blocks.StructBlock):
    """A video from a hosting site (loaded only when the learner taps it)."""

    video = EmbedBlock(label=_("Địa chỉ video"))
    caption = blocks.CharBlock(label=_("Chú thích"), required=False)

    class Meta:
        icon = "media"
        template = "content/blocks/video_embed.html"
        label = _("Video (nhúng)")
        description = _("Video từ trang chia sẻ video")

    def get_context(self, value, parent_context=None):
        """Adds ``embed``: the player Wagtail saved when the trainer entered the
        address (read from the database only, so that rendering a lesson never
        calls the video site), or None. The template puts the player in an
        inert ``<template>``, loaded only when the learner taps "play"."""
        from wagtail.embeds.embeds import get_embed_hash
        from wagtail.embeds.models import Embed

        context = super().get_context(value, parent_context=parent_context)
        video = value.get("video")
        embed = Embed.objects.filter(hash=get_embed_hash(video.url)).first() if video else None
        context["embed"] = embed
        if embed is not None and embed.width and embed.height:
            context["ratio"] = f"{embed.width} / {embed.height}"
        return context


class VideoFileBlock(blocks.StructBlock):
    """An uploaded video file, played by the browser's own player."""

    document = DocumentChooserBlock(label=_("Tệp video"))
    caption = blocks.CharBlock(label=_("Chú thích"), required=False)

    class Meta:
        icon = "media"
        template = "content/blocks/video_file.html"
        label = _("Video (tệp tải lên)")
        description = _("Tệp video MP4 hoặc WebM đã tải lên")

    def clean(self, value):
        value = super().clean(value)
        document = value.get("document")
        if document is not None and document.file_extension.lower() not in VIDEO_TYPES:
            raise StructBlockValidationError(
                block_errors={"document": ValidationError(_("Hãy chọn một tệp video MP4 hoặc WebM."))}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        document = value.get("document")
        if document is not None:
            context["mime_type"] = VIDEO_TYPES.get(document.file_extension.lower(), "")
        return context


class DocumentBlock(blocks.StructBlock):
    """A downloadable document (form, template, handout)."""

    document = DocumentChooserBlock(label=_("Tài liệu"))
    title = blocks.CharBlock(label=_("Tên hiển thị"), required=False)

    class Meta:
        icon = "doc-full"
        template = "content/blocks/document.html"
        label = _("Tài liệu tải về")
        description = _("Biểu mẫu, tài liệu phát tay để tải về")


class CalloutBlock(blocks.StructBlock):
    """A highlighted tip or warning."""

    kind = blocks.ChoiceBlock(
        label=_("Loại"),
        choices=[("tip", _("Mẹo")), ("warning", _("Lưu ý"))],
        default="tip",
    )
    text = CleanRichTextBlock(label=_("Nội dung"), features=RICH_FEATURES)

    class Meta:
        icon = "warning"
        template = "content/blocks/callout.html"
        label = _("Mẹo / Lưu ý")
        description = _("Khung nổi bật cho mẹo hoặc lưu ý")


class ExampleTableBlock(blocks.StructBlock):
    """A worked example as a small table: a header row, then data rows.

    Rows are written one per line, cells separated by ``|``, so a trainer can
    paste a table from a spreadsheet and the page stays plain HTML.
    """

    title = blocks.CharBlock(label=_("Tên ví dụ"), required=False)
    header = blocks.CharBlock(label=_("Dòng tiêu đề (các ô cách nhau bởi |)"))
    rows = blocks.TextBlock(label=_("Các dòng (mỗi dòng một hàng, các ô cách nhau bởi |)"))
    note = blocks.CharBlock(label=_("Ghi chú"), required=False)

    class Meta:
        icon = "table"
        template = "content/blocks/example_table.html"
        label = _("Bảng ví dụ")
        description = _("Bảng tính ví dụ có lời giải")

    @staticmethod
    def split_row(line: str) -> list[str]:
        return [cell.strip() for cell in line.split("|")]

    def get_context(self, value, parent_context=None):
        """Adds ``columns`` (header cells) and ``rows`` (body rows), each cell a
        pair ``(text, numeric)``: a column whose filled cells are all numbers
        is right-aligned. Short rows are padded to the widest row."""
        context = super().get_context(value, parent_context=parent_context)
        header = self.split_row(value.get("header") or "")
        rows = [self.split_row(line) for line in (value.get("rows") or "").splitlines() if line.strip()]
        width = max([len(header), *(len(row) for row in rows)])
        header += [""] * (width - len(header))
        rows = [row + [""] * (width - len(row)) for row in rows]
        numeric = [
            i > 0 and any(row[i] for row in rows) and all(_NUMBER.match(row[i]) for row in rows if row[i])
            for i in range(width)
        ]
        context["columns"] = list(zip(header, numeric, strict=True))
        context["rows"] = [list(zip(row, numeric, strict=True)) for row in rows]
        return context


class ChecklistBlock(blocks.StructBlock):
    """A checklist the learner can run through."""

    title = blocks.CharBlock(label=_("Tên danh sách"), required=False)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Mục")), label=_("Các mục"))

    class Meta:
        icon = "list-ul"
        template = "content/blocks/checklist.html"
        label = _("Danh sách kiểm tra")
        description = _("Các việc cần làm, đánh dấu từng mục")


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = CleanRichTextBlock(label=_("Đoạn văn"), features=RICH_FEATURES, icon="pilcrow")
    image = FigureBlock()
    video = VideoEmbedBlock()
    video_file = VideoFileBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    example_table = ExampleTableBlock()
    checklist = ChecklistBlock()


class ChoiceBlock(blocks.StructBlock):
    """One answer option of a question."""

    text = blocks.CharBlock(label=_("Phương án"))
    correct = blocks.BooleanBlock(label=_("Đúng"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Phương án")


class SingleChoiceQuestionBlock(blocks.StructBlock):
    """A question with exactly one correct option."""

    prompt = blocks.TextBlock(label=_("Câu hỏi"))
    choices = blocks.ListBlock(ChoiceBlock(), label=_("Các phương án"), min_num=2)
    explanation = blocks.TextBlock(label=_("Giải thích (hiện sau khi nộp bài)"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Câu hỏi một lựa chọn")
        template = "content/blocks/question.html"
        description = _("Chọn một phương án đúng")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value.get("choices") or [] if choice.get("correct"))
        if correct != 1:
            raise StructBlockValidationError(
                non_block_errors=[ValidationError(_("Câu hỏi một lựa chọn phải có đúng một phương án đúng."))]
            )
        return value


class MultipleChoiceQuestionBlock(SingleChoiceQuestionBlock):
    """A question where every correct option, and only those, must be chosen."""

    class Meta:
        icon = "tasks"
        label = _("Câu hỏi nhiều lựa chọn")
        template = "content/blocks/question.html"
        description = _("Chọn tất cả các phương án đúng")

    def clean(self, value):
        value = blocks.StructBlock.clean(self, value)
        correct = sum(1 for choice in value.get("choices") or [] if choice.get("correct"))
        if correct < 1:
            raise StructBlockValidationError(
                non_block_errors=[
                    ValidationError(_("Câu hỏi nhiều lựa chọn phải có ít nhất một phương án đúng."))
                ]
            )
        return value


class TrueFalseQuestionBlock(blocks.StructBlock):
    """A statement the learner marks true or false."""

    prompt = blocks.TextBlock(label=_("Nhận định"))
    answer = blocks.BooleanBlock(label=_("Nhận định này đúng"), required=False)
    explanation = blocks.TextBlock(label=_("Giải thích (hiện sau khi nộp bài)"), required=False)

    class Meta:
        icon = "help"
        label = _("Câu hỏi Đúng/Sai")
        template = "content/blocks/question.html"
        description = _("Đánh dấu nhận định là đúng hay sai")


class QuestionStreamBlock(blocks.StreamBlock):
    single = SingleChoiceQuestionBlock()
    multiple = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()


class OutcomeStreamBlock(blocks.StreamBlock):
    outcome = blocks.CharBlock(label=_("Kết quả học tập"), icon="tick")
