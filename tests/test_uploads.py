"""The archive check every upload shares (zhunong.uploads): the records it trusts, and the ones it
does not. The callers' own tests (tests/orgs/test_bulk_accounts.py, tests/ingest/test_bad_input.py)
send whole files through it."""

import io
import struct
import zipfile

import pytest

from zhunong import uploads
from zhunong.uploads import BrokenArchive, Limits, Refused, open_archive

LIMITS = Limits(unpacked=10 * 1024 * 1024, members=10, ratio=100, shared_strings=1000)


def archive(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def with_end_record(data: bytes, entries: int) -> bytes:
    """The archive with its end record claiming `entries` members."""
    at = data.rfind(b"PK\x05\x06")
    fields = list(struct.unpack_from("<4s4H2LH", data, at))
    fields[3] = fields[4] = entries
    return data[:at] + struct.pack("<4s4H2LH", *fields) + data[at + 22 :]


def forbid_reading_the_directory(monkeypatch):
    """From here on the test fails if zipfile opens an archive (reads its whole directory)."""

    def unread(*args, **kwargs):
        raise AssertionError("the directory was read")

    monkeypatch.setattr(uploads.zipfile, "ZipFile", unread)


def test_too_many_members_are_refused_from_the_end_record(monkeypatch):
    data = archive({f"{i}.txt": b"" for i in range(11)})
    forbid_reading_the_directory(monkeypatch)
    with pytest.raises(Refused, match="文件数超过上限（10 个）"):
        open_archive(data, LIMITS)


def test_an_end_record_that_understates_its_members_is_caught_by_the_directory_size(
    monkeypatch,
):
    data = with_end_record(archive({f"member-{i}.txt": b"" for i in range(200)}), entries=1)
    forbid_reading_the_directory(monkeypatch)
    with pytest.raises(Refused, match="文件数超过上限"):
        open_archive(data, LIMITS)


def test_a_zip64_end_record_is_counted_from_the_directory():
    data = with_end_record(archive({f"{i}.txt": b"" for i in range(11)}), entries=0xFFFF)
    with pytest.raises(Refused, match="文件数超过上限"):
        open_archive(data, LIMITS)


def test_a_file_that_is_not_a_zip_is_a_broken_archive():
    for data in (b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 100):
        with pytest.raises(BrokenArchive, match="损坏"):
            open_archive(data, LIMITS)


def test_an_encrypted_member_is_refused():
    data = bytearray(archive({"a.txt": b"x"}))
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 8] |= 0x1  # the directory's flag bits: encrypted
    with pytest.raises(Refused, match="加密"):
        open_archive(bytes(data), LIMITS)


@pytest.mark.parametrize("split", [1, 2, 3])
@pytest.mark.parametrize("prefix", [b"", b"x:"])
def test_shared_strings_are_counted_exactly_where_a_chunk_ends(prefix, split):
    """The count reads 1 MB at a time; an item whose tag the chunk's end cuts is still counted."""
    head = b'<%ssst xmlns:x="urn:x">' % prefix
    item = b"<%ssi><%st>y</%st></%ssi>" % (prefix, prefix, prefix, prefix)
    limits = Limits(unpacked=10 * 1024 * 1024, members=10, ratio=10**6, shared_strings=1000)

    def workbook(n):
        padding = b" " * (1024 * 1024 - split - len(head))  # the first item starts `split` early
        sst = head + padding + item * n + b"</%ssst>" % prefix
        return archive({"xl/sharedStrings.xml": sst})

    open_archive(workbook(1000), limits).close()
    with pytest.raises(Refused, match="共享字符串"):
        open_archive(workbook(1001), limits)


def test_a_shared_string_table_found_through_the_content_types():
    types = (
        b'<Types><Override PartName="/xl/strings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    data = archive({"[Content_Types].xml": types, "xl/strings.xml": b"<si/>" * 1001})
    with pytest.raises(Refused, match="共享字符串"):
        open_archive(data, LIMITS)


def test_a_member_larger_than_its_header_says_is_refused():
    """(zipfile's own size and CRC checks catch it as well as the check's limited reader)"""
    data = bytearray(archive({"xl/sharedStrings.xml": b"<si/>" * 100}))
    directory = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, directory + 24, 10)  # uncompressed size: 10 bytes
    with pytest.raises(Refused):
        open_archive(bytes(data), LIMITS)
