"""`zhunong reservations_export --region CODE --year Y --out FILE.xlsx`: every filing of the region
and the regions below it, one row each."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhunong.regions.models import Region
from zhunong.reservations.exporters import reservations_xlsx
from zhunong.reservations.models import Reservation
from zhunong.reservations.queries import review


class Command(BaseCommand):
    help = "Writes the filings of a region (and everything below it) for a year to an xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True)

    def handle(self, *args, region, year, out, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"未知的区划代码 {region}")
        if not out.lower().endswith(".xlsx"):
            raise CommandError("--out 须为 .xlsx 文件")
        rows, totals = review(Reservation.objects.all(), year=year, region=found)
        title = f"{found.name}{year}年度预留份额填报"
        Path(out).write_bytes(reservations_xlsx(title, rows))
        self.stdout.write(
            f"{title}：{totals['count']} 份，预留金额合计 {totals['reserved_amount']} 元 → {out}"
        )
