from django import forms
from django.utils.translation import gettext_lazy as _

from zhunong import inputs

from .models import NoticeTemplate

DATE = forms.DateInput(attrs={"type": "date"})


class ProgressForm(forms.Form):
    region = forms.CharField(label=_("地区"), max_length=12)
    year = inputs.YearField(label=_("年度"))
    as_of = inputs.CutoffField(label=_("截止日"), widget=DATE)


class TargetForm(forms.Form):
    buying_target_date = inputs.DayField(label=_("采购目标日期"), widget=DATE)
    filing_deadline = inputs.DayField(label=_("填报截止日期"), required=False, widget=DATE)


class IssueForm(forms.Form):
    document_no = forms.CharField(label=_("文号"), max_length=64)
    issued_on = inputs.DayField(label=_("印发日期"), widget=DATE)


class TemplateForm(forms.ModelForm):
    class Meta:
        model = NoticeTemplate
        fields = ["issuing_body", "addressees", "requirements", "ranking_size"]


class WeightsForm(forms.Form):
    activation = inputs.PercentField(label=_("账号激活"))
    filing_on_time = inputs.PercentField(label=_("按时填报"))
    filing_compliant = inputs.PercentField(label=_("预留比例合规"))
    completion = inputs.PercentField(label=_("采购完成"))


class ScheduleForm(forms.Form):
    region = forms.CharField(label=_("区划代码"), max_length=12)
    frequency = forms.ChoiceField(
        label=_("频率"), choices=[("monthly", _("每月")), ("quarterly", _("每季度"))]
    )
    day = inputs.IntegerField(label=_("生成日"), minimum=1, maximum=28, initial=5)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
