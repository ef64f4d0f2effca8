"""`zhunong rollups --check | --refresh | --rebuild`: compare the ledger's rollups with the
ledger, sum the units a large import left to the worker now, or rebuild them all."""

from django.core.management.base import BaseCommand, CommandError

from zhunong.ledger import rollups


class Command(BaseCommand):
    help = "核对或重建采购台账汇总（进度表的快速统计所用）"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="逐日核对汇总与台账")
        group.add_argument(
            "--refresh", action="store_true", help="立即汇总大批量导入后尚待汇总的单位"
        )
        group.add_argument("--rebuild", action="store_true", help="由台账重新计算汇总")

    def handle(self, *args, check=False, refresh=False, rebuild=False, **options):
        if refresh:
            done = rollups.refresh_marked()
            self.stdout.write(f"已完成 {done} 个单位的汇总")
            return
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
        waiting = len(rollups.marked_units())
        if waiting:
            self.stdout.write(
                f"另有 {waiting} 个单位待后台汇总：这些单位的数据暂按台账明细计算，不计为不一致"
                "（可用 --refresh 立即汇总）"
            )
        if found:
            raise CommandError(f"汇总与台账有 {len(found)} 处不一致；可用 --rebuild 重建")
        self.stdout.write("汇总与台账一致")
