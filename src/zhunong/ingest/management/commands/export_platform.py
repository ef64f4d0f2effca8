"""`zhunong export_platform --region CODE --out PATH`: writes a region in the platform format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhunong.ingest.exporter import export_region
from zhunong.regions.models import Region


class Command(BaseCommand):
    help = "Exports a region and everything below it (.xlsx, or a folder of .csv by the extension)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, region, out, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"未知的区划代码 {region}")
        counts = export_region(Path(out), found)
        for sheet, n in counts.items():
            self.stdout.write(f"{sheet}: {n} 行")
        self.stdout.write(self.style.SUCCESS(f"已导出到 {out}"))
