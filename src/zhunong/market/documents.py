"""Uploaded documents (licence scans, certificates, test reports): what is accepted, checked
before anything is stored."""

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def check_upload(upload) -> str | None:
    """Why the file cannot be accepted, or None: a PDF or a JPEG/PNG image of at most 5 MB,
    recognised by its content, not by its name."""
    if upload.size > MAX_BYTES:
        return _("文件不能超过 5 MB")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return _("只能上传 PDF 或 JPG、PNG 图片")
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        return _("只能上传 PDF 或 JPG、PNG 图片")
    return None
