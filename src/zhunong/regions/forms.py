from django import forms
from django.utils.translation import gettext_lazy as _


class ShortNameForm(forms.Form):
    short_name = forms.CharField(
        label=_("简称"), max_length=32, required=False, help_text=_("表格中使用，如“中原”“港区”")
    )


class ZoneForm(forms.Form):
    code = forms.CharField(label=_("区划代码"), max_length=12, help_text=_("6至12位数字"))
    name = forms.CharField(label=_("名称"), max_length=64)
    short_name = forms.CharField(label=_("简称"), max_length=32, required=False)
