"""Seed the topics of CONTRACT §3 and the site's home page and catalogue."""

from django.db import migrations

TOPICS = [
    ("governance", "Quản trị, điều hành"),
    ("accounting", "Kế toán, tài chính"),
    ("ecommerce", "Thương mại điện tử"),
    ("technology", "Chuyển giao khoa học – kỹ thuật, ứng dụng công nghệ"),
    ("advocacy", "Kỹ năng tuyên truyền, vận động"),
    ("coop_development", "Hỗ trợ phát triển kinh tế tập thể, HTX"),
    ("other", "Khác"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("content", "Topic")
    for slug, name in TOPICS:
        Topic.objects.update_or_create(slug=slug, defaults={"name": name})

    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("content", "HomePage")
    CourseIndexPage = apps.get_model("content", "CourseIndexPage")
    if HomePage.objects.exists():
        return

    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    locale = Locale.objects.first() or Locale.objects.create(language_code="vi")
    # Wagtail's own first migration makes a placeholder "Welcome" page.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])

    home_type, _ = ContentType.objects.get_or_create(app_label="content", model="homepage")
    index_type, _ = ContentType.objects.get_or_create(app_label="content", model="courseindexpage")
    position = root.numchild + 1
    home = HomePage.objects.create(
        title="Nâng Tầm",
        draft_title="Nâng Tầm",
        slug="home",
        content_type=home_type,
        path=f"{root.path}{position:04d}",
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        intro="<p>Học tập nâng cao năng lực cho phụ nữ quản lý hợp tác xã, tổ hợp tác và cán bộ Hội.</p>",
    )
    root.numchild = position
    root.save(update_fields=["numchild"])
    CourseIndexPage.objects.create(
        title="Khóa học",
        draft_title="Khóa học",
        slug="khoa-hoc",
        content_type=index_type,
        path=f"{home.path}0001",
        depth=3,
        numchild=0,
        url_path="/home/khoa-hoc/",
        locale=locale,
        intro="<p>Các khóa học trực tuyến về quản trị, kế toán, thương mại điện tử và kỹ năng cho cán bộ Hội.</p>",
    )
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True, site_name="Nâng Tầm")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]
    run_before: list = []

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
