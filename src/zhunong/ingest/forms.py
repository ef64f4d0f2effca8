from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhunong import inputs


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("平台导出文件"),
        help_text=_(".xlsx 工作簿，或内含 units.csv 等文件的 .zip 压缩包"),
    )
    region = forms.ChoiceField(label=_("导入范围"))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".zip")):
            raise forms.ValidationError(_("只能上传 .xlsx 或 .zip 文件"))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件大小超过上限 %(mb)d MB，请按区划拆分后导入")
                % {"mb": settings.IMPORT_MAX_BYTES // 1024 // 1024}
            )
        return upload


class YearForm(forms.Form):
    year = inputs.YearField(label=_("年度"))
