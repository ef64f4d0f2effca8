from django import forms
from django.utils.translation import gettext_lazy as _

from zhunong.clock import today

from .models import NoticeTemplate


class ProgressForm(forms.Form):
    region = forms.CharField(label=_("区划代码"), max_length=12)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("截止日"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("as_of") and data["as_of"] > today():
            self.add_error("as_of", _("截止日不能晚于今天"))
        return data


class TargetForm(forms.Form):
    buying_target_date = forms.DateField(
        label=_("采购目标日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    filing_deadline = forms.DateField(
        label=_("填报截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class IssueForm(forms.Form):
    document_no = forms.CharField(label=_("文号"), max_length=64)
    issued_on = forms.DateField(label=_("印发日期"), widget=forms.DateInput(attrs={"type": "date"}))


class TemplateForm(forms.ModelForm):
    class Meta:
        model = NoticeTemplate
        fields = ["issuing_body", "addressees", "requirements"]


class WeightsForm(forms.Form):
    activation = forms.DecimalField(
        label=_("账号激活"), min_value=0, max_value=100, decimal_places=2
    )
    filing_on_time = forms.DecimalField(
        label=_("按时填报"), min_value=0, max_value=100, decimal_places=2
    )
    filing_compliant = forms.DecimalField(
        label=_("预留比例合规"), min_value=0, max_value=100, decimal_places=2
    )
    completion = forms.DecimalField(
        label=_("采购完成"), min_value=0, max_value=100, decimal_places=2
    )


class ScheduleForm(forms.Form):
    region = forms.CharField(label=_("区划代码"), max_length=12)
    frequency = forms.ChoiceField(
        label=_("频率"), choices=[("monthly", _("每月")), ("quarterly", _("每季度"))]
    )
    day = forms.IntegerField(label=_("生成日"), min_value=1, max_value=28, initial=5)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
