"""`zhunong tally --check | --refresh | --rebuild`: the counts behind the fast progress table."""

from django.core.management.base import BaseCommand, CommandError

from zhunong.supervision import tally


class Command(BaseCommand):
    help = "核对、补算或重建进度表的单位与账号计数（快速统计所用）"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="与单位、账号、填报记录逐项核对")
        group.add_argument("--refresh", action="store_true", help="补算有变动的单位")
        group.add_argument("--rebuild", action="store_true", help="全部重新计算")

    def handle(self, *args, check=False, refresh=False, rebuild=False, **options):
        if rebuild:
            self.stdout.write(f"已重建计数：{tally.rebuild()} 个单位")
            return
        if refresh:
            self.stdout.write(f"已补算计数：{tally.refresh()} 个单位")
            return
        found = tally.differences()
        for difference in found[:50]:
            self.stdout.write(" ".join(str(part) for part in difference))
        if found:
            raise CommandError(f"计数与记录有 {len(found)} 处不一致；可用 --rebuild 重建")
        self.stdout.write("计数与记录一致")
