"""Trading accounts in bulk from an Excel template: every bad row named, nothing created when any
row is bad. A unit that owns SOEs (an owning budget unit, or the state-assets commission, 国资委)
fills in 国有企业编码 to open the row's account for one of its SOEs instead of for itself."""

import io
import zipfile
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from zhunong import access
from zhunong.clock import today
from zhunong.inputs import day_or_none as parse_date
from zhunong.spreadsheets import put, workbook, xlsx_bytes
from zhunong.uploads import BrokenArchive, Limits, Refused, open_archive

from .models import AccountKind, Canteen, Unit, UnitKind
from .services import account_open, validate_new_account

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# A template filled with all 2000 rows is under 1 MB unpacked, a dozen members and at most one
# shared string per cell. openpyxl spends about 10 µs on each cell and shared string, so a file
# within these bounds is read in about a second at worst, and one beyond them is refused unread.
LIMITS = Limits(unpacked=4 * 1024 * 1024, members=100, ratio=100, shared_strings=20_000)
NOT_EXCEL = gettext_noop("文件不是有效的 Excel（.xlsx）文件，请使用页面上的模板")
COLUMNS = [
    ("login", "账号", True),
    ("holder", "使用人", False),
    ("mobile", "手机号", False),
    ("opened_on", "开通日期", False),
    ("is_contractor", "食堂承包方使用", False),
    ("soe_code", "国有企业编码", False),
]
HEADER_NAMES = {label: key for key, label, _required in COLUMNS}
FIELD_LABELS = {key: label for key, label, _required in COLUMNS}


class BulkError(Exception):
    """The file was refused; `messages` names every bad row and field."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages[:5]))
        self.messages = messages


def template_workbook() -> bytes:
    wb = workbook()
    ws = wb.active
    ws.title = "交易账号"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (_key, label, required) in enumerate(COLUMNS, start=1):
        cell = put(ws, 1, col, label + ("*" if required else ""), font=bold, fill=fill)
        ws.column_dimensions[cell.column_letter].width = 18
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    lines = [
        "批量开通交易账号模板：每行一个交易账号，从第2行起填写。",
        "账号*：必填，3至64位字母、数字或 _ . @ -，全平台唯一。",
        "使用人：选填，账号使用人姓名。",
        "手机号：选填，以1开头的11位数字。",
        "开通日期：选填，格式 2025-03-01 或 2025/3/1，不填为今天，不能晚于今天。",
        "食堂承包方使用：选填，填“是”表示为食堂承包方开通（仅限食堂外包的单位）。",
        "国有企业编码：选填，为本单位所属的国有企业开通时填写该企业的单位编码（主管单位或国资委批量开通）；"
        "不填为本单位开通。",
        "有任何一行有误时整个文件都不会导入，页面会列出每一行的问题。",
        "示例：zz-jy-001 | 张三 | 13800000000 | 2025-03-01 | 否",
    ]
    for i, line in enumerate(lines, start=1):
        put(help_ws, i, 1, line)
    help_ws.column_dimensions["A"].width = 90
    return xlsx_bytes(wb)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """The filled rows of the template as (row number, values); a broken file is refused whole."""
    if not data:
        raise BulkError([_("文件是空的")])
    if len(data) > MAX_BYTES:
        raise BulkError([_("文件超过 2 MB，请拆分后上传")])
    try:
        open_archive(data, LIMITS).close()
    except BrokenArchive:
        raise BulkError([_(NOT_EXCEL)]) from None
    except Refused as exc:
        raise BulkError([str(exc)]) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise BulkError([_(NOT_EXCEL)]) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = {}
    for index, name in enumerate(header):
        key = HEADER_NAMES.get(_text(name).rstrip("*"))
        if key:
            columns[key] = index
    missing = [label for key, label, required in COLUMNS if required and key not in columns]
    if missing:
        raise BulkError(
            [_("第1行缺少表头：%(names)s（请使用模板）") % {"names": "、".join(missing)}]
        )
    result = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise BulkError([_("一次最多导入 %(n)d 行") % {"n": MAX_ROWS}])
        row = {key: values[i] if i < len(values) else None for key, i in columns.items()}
        if all(_text(v) == "" for v in row.values()):
            continue
        result.append((number, row))
    wb.close()
    if not result:
        raise BulkError([_("模板中没有填写任何账号")])
    return result


def _row_values(raw: dict) -> tuple[dict, dict]:
    errors, values = {}, {}
    for key, value in raw.items():
        if isinstance(value, str) and value.startswith("="):
            errors[key] = _("不能使用公式")
    values["login"] = _text(raw.get("login"))
    values["holder"] = _text(raw.get("holder"))
    values["mobile"] = _text(raw.get("mobile"))
    opened = raw.get("opened_on")
    if opened in (None, ""):
        values["opened_on"] = None
    elif isinstance(opened, datetime):
        values["opened_on"] = opened.date()
    elif isinstance(opened, date):
        values["opened_on"] = opened
    else:
        values["opened_on"] = parse_date(_text(opened))
        if values["opened_on"] is None:
            errors.setdefault("opened_on", _("日期格式应为 2025-03-01 或 2025/3/1"))
    flag = _text(raw.get("is_contractor"))
    if flag not in ("", "是", "否"):
        errors.setdefault("is_contractor", _("请填写“是”或“否”"))
    values["is_contractor"] = flag == "是"
    values["soe_code"] = _text(raw.get("soe_code"))
    return values, errors


def _account_holder(unit: Unit, values: dict, errors: dict) -> Unit:
    """The unit the row's account is for: the uploading unit, or the SOE it names, which must be
    one of the unit's own SOEs and in normal status."""
    code = values.pop("soe_code")
    if not code:
        return unit
    soe = Unit.objects.filter(code=code, kind=UnitKind.SOE, owner=unit).first()
    if soe is None:
        errors.setdefault(
            "soe_code",
            _("%(code)s 不是%(unit)s所属的国有企业") % {"code": code, "unit": unit.name},
        )
    elif not soe.is_active:
        errors.setdefault(
            "soe_code",
            _("%(name)s已是“%(s)s”状态") % {"name": soe.name, "s": soe.get_status_display()},
        )
    elif values["is_contractor"]:
        errors.setdefault("is_contractor", _("为国有企业开通的账号不能标为食堂承包方使用"))
    return soe or unit


def accounts_bulk_open(*, actor, unit: Unit, data: bytes) -> int:
    """Opens every trading account in the file, or none; returns how many were opened."""
    access.require_account_manager(actor, unit)
    if not unit.is_active:
        raise BulkError(
            [_("该单位已是“%(s)s”状态，不能开通账号") % {"s": unit.get_status_display()}]
        )
    messages, planned, seen = [], [], {}
    for number, raw in read_rows(data):
        values, errors = _row_values(raw)
        holder = _account_holder(unit, values, errors)
        opened_on = values["opened_on"] or today()
        # a bad date still lets the row's other fields be checked, so every problem shows at once
        checked = validate_new_account(values["login"], values["mobile"], opened_on)
        if "opened_on" in errors:
            checked.pop("opened_on", None)
        errors = {**checked, **errors}
        if values["is_contractor"] and holder == unit and unit.canteen != Canteen.OUTSOURCED:
            errors.setdefault("is_contractor", _("只有食堂外包的单位可以为承包方开通交易账号"))
        login = values["login"]
        if login and login in seen and "login" not in errors:
            errors["login"] = _("与第%(n)d行的账号重复") % {"n": seen[login]}
        seen.setdefault(login, number)
        for key, message in errors.items():
            messages.append(
                _("第%(row)d行 %(field)s：%(message)s")
                % {"row": number, "field": FIELD_LABELS.get(key, key), "message": message}
            )
        planned.append({**values, "opened_on": opened_on, "unit": holder})
    if messages:
        raise BulkError(messages)
    try:
        with transaction.atomic():
            for values in planned:
                account_open(actor=actor, kind=AccountKind.TRADING, **values)
    except ValidationError as exc:
        raise BulkError([f"{k}: {'；'.join(v)}" for k, v in exc.message_dict.items()]) from exc
    return len(planned)
