"""`zhunong rollups --check | --rebuild`: compare the ledger's rollup with the ledger, or rebuild it."""

from django.core.management.base import BaseCommand, CommandError

from zhunong.ledger import rollups


class Command(BaseCommand):
    help = "核对或重建采购台账汇总（进度表的快速统计所用）"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="逐日核对汇总与台账")
        group.add_argument("--rebuild", action="store_true", help="由台账重新计算汇总")

    def handle(self, *args, check=False, rebuild=False, **options):
        if rebuild:
            written = rollups.rebuild()
            self.stdout.write(f"已由台账重建汇总：{written} 行")
            return
        found = rollups.differences()
        for region, year, day, kept, actual in found[:50]:
            self.stdout.write(f"{region} {year} {day}: 汇总 {kept}，台账 {actual}")
        by_unit = rollups.unit_differences()
        for table, unit, year, period, channel, kept, actual in by_unit[:50]:
            self.stdout.write(
                f"{table} 单位{unit} {year} {period} {channel}: 汇总 {kept}，台账 {actual}"
            )
        found += by_unit
        if found:
            raise CommandError(f"汇总与台账有 {len(found)} 处不一致；可用 --rebuild 重建")
        self.stdout.write("汇总与台账一致")
