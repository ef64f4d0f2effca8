from django import forms
from django.utils.translation import gettext_lazy as _

from zhunong.orgs.models import Canteen


class FilingForm(forms.Form):
    """Figures are read as text and checked by the service, which names the rule they break."""

    canteen = forms.ChoiceField(label=_("食堂情况"), choices=Canteen.choices)
    canteen_total = forms.CharField(label=_("年度食堂食材采购总额（元）"), required=False)
    ratio = forms.CharField(
        label=_("预留比例（%）"),
        required=False,
        help_text=_("比例和金额填一项即可，另一项自动算出"),
    )
    reserved_amount = forms.CharField(label=_("预留金额（元）"), required=False)
    staff = forms.CharField(
        label=_("职工人数"),
        required=False,
        help_text=_("选填：在食堂就餐的职工人数，用于核对人均食材采购额"),
    )
    host = forms.CharField(label=_("代表单位编码（共用食堂）"), required=False, max_length=40)
    contractor = forms.CharField(label=_("食堂承包方（食堂外包）"), required=False, max_length=128)


class UnionFilingForm(forms.Form):
    members = forms.CharField(label=_("会员人数"))
    welfare_total = forms.CharField(label=_("年度福利费总额（元）"))


class AmendmentForm(forms.Form):
    canteen_total = forms.CharField(label=_("年度食堂食材采购总额（元）"))
    ratio = forms.CharField(label=_("预留比例（%）"), required=False)
    reserved_amount = forms.CharField(label=_("预留金额（元）"), required=False)
    reason = forms.CharField(label=_("调整原因"), max_length=500)


class ExemptionForm(forms.Form):
    reason = forms.CharField(label=_("豁免原因"), max_length=500)
    document_no = forms.CharField(label=_("文号"), max_length=64)


INHERIT = [("", _("沿用上级规定")), ("yes", _("是")), ("no", _("否"))]


class RulesForm(forms.Form):
    min_ratio = forms.CharField(
        label=_("最低预留比例（%）"), required=False, help_text=_("留空则沿用上级或全国10%")
    )
    not_below_last_year = forms.ChoiceField(
        label=_("预留金额不低于上年"), choices=INHERIT, required=False
    )
    union_per_member = forms.CharField(
        label=_("工会每人标准（元）"), required=False, help_text=_("留空则沿用上级或300元")
    )
    union_welfare_ratio = forms.CharField(
        label=_("工会福利费比例（%）"), required=False, help_text=_("留空则沿用上级或15%")
    )
