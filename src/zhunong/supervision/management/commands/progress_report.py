"""`zhunong progress_report --region CODE --year Y --as-of YYYY-MM-DD --format json|csv|xlsx`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhunong.inputs import day_or_none as parse_date
from zhunong.regions.models import Region
from zhunong.supervision.exporters import as_csv, as_json, as_xlsx
from zhunong.supervision.queries import progress_table


class Command(BaseCommand):
    help = "Writes the progress table of a region, year and cut-off date."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--as-of", required=True)
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="csv")
        parser.add_argument("--out")

    def handle(self, *args, region, year, as_of, format, out=None, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"未知的区划代码 {region}")
        day = parse_date(as_of)
        if day is None:
            raise CommandError(f"截止日“{as_of}”格式不正确（应为 2025-07-31）")
        table = progress_table(region=found, year=year, as_of=day)
        if format == "xlsx":
            if not out:
                raise CommandError("xlsx 格式需要 --out 文件名")
            Path(out).write_bytes(as_xlsx(table))
            return
        if format == "csv":
            data = as_csv(table)  # UTF-8 with a byte-order mark, as the page's download
            if out:
                Path(out).write_bytes(data)
            else:
                self.stdout.write(data.decode("utf-8-sig"))
            return
        text = json.dumps(as_json(table), ensure_ascii=False, indent=2)
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)
