"""`zhunong import_platform PATH`: imports a platform export (.xlsx, folder of .csv, or .zip)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from zhunong.ingest.services import batch_create, batch_run
from zhunong.people.models import User
from zhunong.regions.models import Region


class Command(BaseCommand):
    help = "Imports the national platform's export (platform-export-v1): all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--region", help="only rows of this region and below are accepted")
        parser.add_argument("--as-user", help="import as this user (a finance bureau's scope)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, path, region=None, as_user=None, no_progress=False, **options):
        path = Path(path)
        if not path.exists():
            raise CommandError(f"没有找到 {path}")
        scope = None
        if region:
            scope = Region.objects.filter(code=region).first()
            if scope is None:
                raise CommandError(f"未知的区划代码 {region}")
        actor = None
        if as_user:
            actor = User.objects.filter(username=as_user).first()
            if actor is None:
                raise CommandError(f"没有用户 {as_user}")
        try:
            batch = batch_create(
                actor=actor, path=path, file_name=path.name, region=scope, keep=False
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        bar = tqdm(total=1, unit="行", disable=no_progress, file=self.stderr._out)

        def progress(done, total, stage):
            bar.total = total
            bar.set_description(stage)
            bar.n = min(done, total)
            bar.refresh()

        batch = batch_run(batch, path, progress=progress)
        bar.close()
        report = batch.report
        for sheet, c in report["sheets"].items():
            self.stdout.write(
                f"{sheet}: 新增 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}"
            )
        for warning in report["warnings"]:
            self.stdout.write(f"提示：{warning}")
        if report["error_count"]:
            for e in report["errors"]:
                where = "，".join(
                    x for x in (e["sheet"], f"第{e['row']}行" if e["row"] else "", e["column"]) if x
                )
                self.stderr.write(f"{where}：{e['message']}" if where else e["message"])
            more = report["error_count"] - len(report["errors"])
            if more > 0:
                self.stderr.write(f"……另有 {more} 处错误未列出")
            raise CommandError(f"未导入：共 {report['error_count']} 处错误，数据库未作任何改动。")
        self.stdout.write(f"异常（已按原样导入，请在通报前核查）：{report['anomaly_count']} 条")
        self.stdout.write(
            self.style.SUCCESS(f"导入完成（批次 {batch.pk}，SHA-256 {batch.checksum[:12]}…）")
        )
