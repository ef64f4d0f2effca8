"""The check every uploaded archive (.xlsx, .zip) passes before anything parses it.

A few kilobytes can unpack to gigabytes, or hold a million members or a million shared strings
(a 48 KB workbook of a million shared strings costs openpyxl 13 s and 190 MB). So the archive's
own records are read first — its end record, its directory, then a streamed count of the shared
strings — and a file over any of the caller's limits is refused by that limit, never by running
out of time or memory. Callers: the platform import (`ingest.reader`) and the bulk account upload
(`orgs.bulk_accounts`); any later upload should call `open_archive` too.
"""

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

END_RECORD = struct.Struct("<4s4H2LH")  # signature … entries, directory size, offset, comment
END_SIGNATURE = b"PK\x05\x06"
ZIP64 = (0xFFFF, 0xFFFFFFFF)
DIRECTORY_ENTRY = 512  # bytes a member may take in the directory: 46 and its name, with room
SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")


class Refused(Exception):
    """The whole file is refused; the message (Chinese) says why and what to do."""


class BrokenArchive(Refused):
    """Not a readable zip at all (callers may word this one for their own file type)."""


@dataclass(frozen=True)
class Limits:
    unpacked: int  # bytes, all members together
    members: int
    ratio: int  # unpacked ÷ packed, for any member over `ratio_from` bytes
    shared_strings: int
    ratio_from: int = 1024 * 1024


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def open_archive(source: Path | bytes, limits: Limits) -> zipfile.ZipFile:
    """The archive, opened, once it is within every limit; otherwise `Refused`."""
    try:
        if isinstance(source, bytes):
            source = io.BytesIO(source)
            _check_end_record(source, limits)
        else:
            with open(source, "rb") as f:
                _check_end_record(f, limits)
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BrokenArchive("文件已损坏，无法打开") from None
    try:
        _check_members(archive, limits)
        _check_shared_strings(archive, limits)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        archive.close()
        raise BrokenArchive("文件已损坏，无法打开") from None
    except BaseException:
        archive.close()
        raise
    return archive


def _check_end_record(file, limits: Limits) -> None:
    """The member count from the end record, before zipfile reads the whole directory (a
    directory of millions of members is itself slow to read). Zip64 archives are counted by
    `_check_members` instead."""
    size = file.seek(0, io.SEEK_END)
    tail_size = min(size, END_RECORD.size + 0xFFFF)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = len(tail) - END_RECORD.size
    if tail[at : at + 4] != END_SIGNATURE:  # a comment follows the record (as zipfile looks)
        at = tail.rfind(END_SIGNATURE)
    if at < 0 or len(tail) - at < END_RECORD.size:
        raise BrokenArchive("文件已损坏，无法打开")
    *_, entries, directory, _offset, _comment = END_RECORD.unpack_from(tail, at)
    if entries in ZIP64 or directory in ZIP64:
        return
    if entries > limits.members or directory > limits.members * DIRECTORY_ENTRY:
        raise Refused(_too_many(limits))


def _too_many(limits: Limits) -> str:
    return f"压缩包中的文件数超过上限（{limits.members} 个），拒绝解压"


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    members = archive.infolist()
    if len(members) > limits.members:
        raise Refused(_too_many(limits))
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise Refused("压缩包已加密，请去掉密码后重试")
        total += info.file_size
        if info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            raise Refused(
                f"压缩包中的“{info.filename}”压缩比超过 {limits.ratio} 倍，拒绝解压（疑似压缩炸弹）"
            )
    if total > limits.unpacked:
        raise Refused(f"解压后大小 {mb(total)} 超过上限 {mb(limits.unpacked)}，请拆分后重试")


def _shared_string_parts(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The workbook's shared-string table: where it usually is, and wherever the workbook's
    [Content_Types].xml says it is (that is how openpyxl finds it)."""
    names = {n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")}
    if "[Content_Types].xml" in archive.namelist():
        types = _read_limited(archive, archive.getinfo("[Content_Types].xml"))
        for override in re.findall(rb"<(?:[\w.-]+:)?Override\b[^>]*>", types):
            part = re.search(rb'PartName="/?([^"]+)"', override)
            if b"sharedStrings" in override and part:
                names.add(part[1].decode("utf-8", "replace"))
    return [archive.getinfo(n) for n in sorted(names) if n in archive.NameToInfo]


def _check_shared_strings(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Counts <si> items as the table streams by, and stops at the limit: a table of a million
    tiny strings packs into kilobytes, and every one costs a parser time and memory."""
    for info in _shared_string_parts(archive):
        count, tail = 0, b""
        with LimitedReader(archive.open(info), info.file_size) as stream:
            while True:
                chunk = stream.read(1 << 20)
                data = tail + chunk
                # an item split between two chunks is counted with the next one
                cut = data.rfind(b"<", max(len(data) - 64, 0)) if chunk else -1
                cut = len(data) if cut < 0 else cut
                count += _count_items(data[:cut])
                tail = data[cut:]
                if count > limits.shared_strings:
                    raise Refused(
                        f"工作簿中的文本条目（共享字符串）超过 {limits.shared_strings} 个，"
                        "疑似恶意构造的文件，拒绝读取"
                    )
                if not chunk:
                    break


def _count_items(data: bytes) -> int:
    # counting "<si" over-counts an unknown element such as <sig>, which only errs towards
    # refusing; the regular expression (slower) is needed only for a prefixed <x:si>
    if b":si" in data:
        return len(SHARED_STRING.findall(data))
    return data.count(b"<si")


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with LimitedReader(archive.open(info), info.file_size) as stream:
        return stream.read()


class LimitedReader(io.RawIOBase):
    """Reads at most `limit` bytes: a member whose real size exceeds what its header says stops."""

    def __init__(self, raw, limit: int):
        self.raw, self.left = raw, limit

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(min(len(buffer), self.left + 1))
        if len(data) > self.left:
            raise Refused("压缩包内容与其声明的大小不符，拒绝读取")
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.raw.close()
        super().close()
