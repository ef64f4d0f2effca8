"""What an import tells the user: counts per sheet, errors with sheet/row/column, warnings,
anomalies. Stored on the batch as JSON."""

from dataclasses import dataclass, field

MAX_LISTED = 1000


@dataclass
class Report:
    sheets: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    error_count: int = 0
    warnings: list = field(default_factory=list)
    anomalies: list = field(default_factory=list)
    anomaly_count: int = 0

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append({"sheet": sheet, "row": row, "column": column, "message": message})

    def count(self, sheet: str, created=0, updated=0, unchanged=0) -> None:
        self.sheets[sheet] = {"created": created, "updated": updated, "unchanged": unchanged}

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict:
        return {
            "sheets": self.sheets,
            "errors": self.errors,
            "error_count": self.error_count,
            "warnings": self.warnings,
            "anomalies": self.anomalies,
            "anomaly_count": self.anomaly_count,
        }

    def summary(self) -> str:
        if not self.ok:
            return f"未导入：{self.error_count} 处错误"
        parts = [
            f"{sheet} 新增 {c['created']}、更新 {c['updated']}、未变 {c['unchanged']}"
            for sheet, c in self.sheets.items()
        ]
        return "已导入：" + "；".join(parts)
