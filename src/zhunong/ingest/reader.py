"""Opening a platform export safely: an .xlsx workbook, a folder of .csv files, or a .zip of them.

Every limit is checked before the content is read (file size here; member count, unpacked size,
compression ratio and shared strings in zhunong.uploads, which every upload shares), so a file that
is too big or a zip bomb is refused by the limit, never by running out of memory.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings

from zhunong.uploads import LimitedReader, Limits, Refused, mb, open_archive

from .spec import SHEETS

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_RATIO = 200  # unpacked ÷ packed, per member
MAX_MEMBERS = 1000  # an .xlsx has a dozen or two; a .zip of the five .csv files fewer
SHEET_FILE_NAMES = {f"{s.name}.csv": s.name for s in SHEETS} | {
    f"{s.zh}.csv": s.name for s in SHEETS
}
SHEET_TITLES = {s.name: s.name for s in SHEETS} | {s.zh: s.name for s in SHEETS}
FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<(?:\w+:)?f[\s>/]')


class Source:
    """Named sheets of rows. `rows(name)` yields (row number in the file, list of cell values);
    the header is row 1."""

    warnings: list[str]

    def sheet_names(self) -> set[str]:
        raise NotImplementedError

    def rows(self, name: str) -> Iterator[tuple[int, list]]:
        raise NotImplementedError

    @contextmanager
    def reading(self, name: str):
        """`rows(name)` for one pass in a `with` block. A .csv source yields the csv module's
        rows as they come, without a generator in between: a layer of Python per row of a
        million-row sheet costs about a second."""
        with closing(self.rows(name)) as rows:
            yield rows

    def size_hint(self, name: str) -> int:
        """About how many rows the sheet has, for progress."""
        raise NotImplementedError

    def formula_cells(self) -> list[tuple[str, str]]:
        return []

    def close(self) -> None:
        pass


def open_source(path: Path) -> Source:
    path = Path(path)
    if path.is_dir():
        return CsvFolder(path)
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        raise Refused(
            f"文件大小 {mb(size)} 超过上限 {mb(settings.IMPORT_MAX_BYTES)}，请按区划拆分后导入"
        )
    if size == 0:
        raise Refused("文件是空的")
    with open(path, "rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head.startswith(OLE_SIGNATURE):
        raise Refused(
            "文件已加密（设置了打开密码）或是旧版 .xls 格式：请在 Excel 中取消密码并另存为 .xlsx"
        )
    if suffix == ".xlsx":
        if not head.startswith(ZIP_SIGNATURE):
            raise Refused("文件不是有效的 Excel（.xlsx）文件")
        return XlsxSource(path)
    if suffix == ".zip":
        if not head.startswith(ZIP_SIGNATURE):
            raise Refused("文件不是有效的 .zip 压缩包")
        return CsvZip(path)
    if suffix == ".csv":
        return CsvFolder(path.parent, only=path.name)
    raise Refused("只能导入 .xlsx 工作簿、.zip 压缩包（内含 .csv）或 .csv 文件所在的文件夹")


def import_limits() -> Limits:
    """The import's archive limits, read from the settings at each import. At most one shared
    string per cell the import accepts (a workbook saved by Excel keeps each distinct text once)."""
    widest = max(len(s.columns) for s in SHEETS)
    return Limits(
        unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
        members=MAX_MEMBERS,
        ratio=MAX_RATIO,
        shared_strings=settings.IMPORT_MAX_ROWS * widest,
    )


def checked_zip(path: Path) -> zipfile.ZipFile:
    return open_archive(path, import_limits())


@contextmanager
def csv_reading(binary):
    """Yields the rows of a .csv file as (row number, cells); an error while reading them, in
    the `with` block, is refused with the reason."""
    try:
        with io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text:
            yield enumerate(csv.reader(text), start=1)
    except UnicodeDecodeError:
        raise Refused(
            "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
        ) from None
    except csv.Error as exc:
        raise Refused(f"CSV 格式错误：{exc}") from None


def estimate_lines(binary, size: int) -> int:
    """About how many lines: the size over the mean length of the first 256 KB's lines (exact
    for a small file). Only for progress, so it reads no more than that."""
    head = binary.read(1 << 18)
    lines = head.count(b"\n")
    if len(head) >= size or not lines:
        return lines
    return int(size / (len(head) / lines))


class CsvFolder(Source):
    def __init__(self, folder: Path, only: str | None = None):
        self.warnings = []
        self.files = {}
        total = 0
        for file in sorted(folder.iterdir()):
            if only and file.name != only:
                continue
            if file.suffix.lower() != ".csv":
                continue
            sheet = SHEET_FILE_NAMES.get(file.name) or SHEET_FILE_NAMES.get(file.name.lower())
            if sheet is None:
                self.warnings.append(f"忽略未知文件“{file.name}”")
                continue
            if sheet in self.files:
                raise Refused(f"“{file.name}”与“{self.files[sheet].name}”是同一张表，请只保留一个")
            total += file.stat().st_size
            self.files[sheet] = file
        if not self.files:
            raise Refused("文件夹中没有可识别的 .csv 文件（应为 units.csv、accounts.csv 等）")
        if total > settings.IMPORT_MAX_UNPACKED_BYTES:
            raise Refused(
                f"文件总大小 {mb(total)} 超过上限 {mb(settings.IMPORT_MAX_UNPACKED_BYTES)}"
            )

    def sheet_names(self):
        return set(self.files)

    def rows(self, name):
        with self.reading(name) as rows:
            yield from rows

    @contextmanager
    def reading(self, name):
        with open(self.files[name], "rb") as f, csv_reading(f) as rows:
            yield rows

    def size_hint(self, name):
        with open(self.files[name], "rb") as f:
            return estimate_lines(f, self.files[name].stat().st_size)


class CsvZip(Source):
    def __init__(self, path: Path):
        self.warnings = []
        self.archive = checked_zip(path)
        self.members = {}
        for info in self.archive.infolist():
            if info.is_dir():
                continue
            base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            sheet = SHEET_FILE_NAMES.get(base) or SHEET_FILE_NAMES.get(base.lower())
            if sheet is None:
                self.warnings.append(f"忽略压缩包中的未知文件“{info.filename}”")
                continue
            if sheet in self.members:
                raise Refused(
                    f"压缩包中的“{info.filename}”与“{self.members[sheet].filename}”是同一张表，请只保留一个"
                )
            self.members[sheet] = info
        if not self.members:
            raise Refused("压缩包中没有可识别的 .csv 文件（应为 units.csv、accounts.csv 等）")

    def sheet_names(self):
        return set(self.members)

    def _open(self, name):
        info = self.members[name]
        return io.BufferedReader(LimitedReader(self.archive.open(info), info.file_size), 1 << 20)

    def rows(self, name):
        with self.reading(name) as rows:
            yield from rows

    @contextmanager
    def reading(self, name):
        with self._open(name) as f, csv_reading(f) as rows:
            yield rows

    def size_hint(self, name):
        with self._open(name) as f:
            return estimate_lines(f, self.members[name].file_size)

    def close(self):
        self.archive.close()


class XlsxSource(Source):
    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook

        self.warnings = []
        self.path = path
        checked_zip(path).close()
        try:
            self.workbook = CalamineWorkbook.from_path(str(path))
        except Exception:  # calamine raises several kinds for a broken file
            raise Refused("文件不是有效的 Excel（.xlsx）文件，或已损坏") from None
        self.titles = {}
        for title in self.workbook.sheet_names:
            sheet = SHEET_TITLES.get(title.strip()) or SHEET_TITLES.get(title.strip().lower())
            if sheet is None:
                if title.strip() not in ("说明", "填写说明"):
                    self.warnings.append(f"忽略未知工作表“{title}”")
                continue
            if sheet in self.titles:
                raise Refused(f"工作表“{title}”与“{self.titles[sheet]}”是同一张表，请只保留一个")
            self.titles[sheet] = title

    def sheet_names(self):
        return set(self.titles)

    def _sheet(self, name):
        return self.workbook.get_sheet_by_name(self.titles[name])

    def rows(self, name):
        try:
            sheet = self._sheet(name)
            first_row = sheet.start[0] if sheet.start else 0
            # python-calamine (0.9) yields the blank rows above the used range too; the header is
            # the used range's first row, so those are skipped and rows keep the sheet's numbers
            offset = first_row
            for index, row in enumerate(sheet.iter_rows()):
                if index == 0 and first_row and not any(v not in (None, "") for v in row):
                    offset = 0  # the rows start at the sheet's first row
                if index + offset < first_row:
                    continue
                yield offset + index + 1, row
        except Exception as exc:  # calamine's XmlError and kin: the sheet cannot be read
            if isinstance(exc, Refused):
                raise
            raise Refused(f"工作表“{self.titles[name]}”已损坏，无法读取") from None

    def size_hint(self, name):
        return self._sheet(name).height

    def formula_cells(self):
        """Cells holding formulas: the platform exports values, so a formula means a hand-edited
        file whose shown value may not be what is stored."""
        try:
            return self._formula_cells()
        except (zipfile.BadZipFile, OSError, KeyError, EOFError):
            raise Refused("文件已损坏，无法打开") from None

    def _formula_cells(self):
        found = []
        with zipfile.ZipFile(self.path) as archive:
            titles = sheet_files(archive)
            for member, title in titles.items():
                with archive.open(member) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        data = tail + chunk
                        for match in FORMULA_CELL.finditer(data):
                            found.append((title, (match[1] + match[2]).decode()))
                        tail = data[-200:]
        return sorted(set(found))


def sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet XML member → sheet title, from the workbook's own index."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {
        (m[1] or m[4]): (m[2] or m[3])
        for m in re.finditer(
            r'<Relationship[^>]*?(?:Id="([^"]+)"[^>]*?Target="([^"]+)"|Target="([^"]+)"[^>]*?Id="([^"]+)")',
            rels,
        )
    }
    targets = {k: v for k, v in targets.items() if k}
    result = {}
    for m in re.finditer(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', workbook):
        target = targets.get(m[2], "")
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        result[member] = m[1]
    return result
