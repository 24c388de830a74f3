from django.db import migrations

DEFAULT_BODY = (
    "Chứng nhận {honorific}\n"
    "{holder_name}\n"
    "Năm sinh: {birth_year}\n"
    "Đã hoàn thành {kind}\n"
    "{title}\n"
    "Thời lượng: {hours} giờ\n"
    "Thời gian: từ ngày {start_date} đến ngày {end_date}"
)


def create_default(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    if CertificateTemplate.objects.filter(is_default=True).exists():
        return
    CertificateTemplate.objects.create(
        name="Mẫu mặc định",
        is_default=True,
        heading="GIẤY CHỨNG NHẬN",
        parent_organisation="Hội LHPN tỉnh An Giang",
        organisation="Hội Liên hiệp Phụ nữ huyện Chợ Mới",
        place="Chợ Mới",
        body=DEFAULT_BODY,
        signatory_title="Chủ tịch",
        signatory_name="",
    )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0004_templates_bulk_issue_and_snapshots")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
