"""`zhunong notice --region CODE --year Y --as-of YYYY-MM-DD --out DIR`: writes notice.docx and
attachment.xlsx for a region as of a date (a draft; issuing is done on the page)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhunong.inputs import day_or_none as parse_date
from zhunong.orgs.models import Unit
from zhunong.regions.models import Region
from zhunong.supervision.exporters import as_xlsx
from zhunong.supervision.notices import (
    build,
    notice_docx,
    notice_title,
    template_for,
)


class Command(BaseCommand):
    help = "Writes notice.docx and attachment.xlsx for a region, year and cut-off date."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--as-of", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--document-no", default="")

    def handle(self, *args, region, year, as_of, out, document_no="", **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"未知的区划代码 {region}")
        day = parse_date(as_of)
        if day is None:
            raise CommandError(f"截止日“{as_of}”格式不正确（应为 2025-07-31）")
        template = template_for(found)
        figures, table = build(found, year, day, Unit.objects.all())
        fields = {
            "issuing_body": template.issuing_body,
            "document_no": document_no,
            "title": notice_title(found, day),
            "addressees": template.addressees,
            "requirements": template.requirements,
            "issued_on": None,
        }
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "notice.docx").write_bytes(notice_docx(fields, figures))
        (folder / "attachment.xlsx").write_bytes(as_xlsx(table))
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {folder / 'notice.docx'} 和 {folder / 'attachment.xlsx'}")
        )
