"""Forms of the marketplace pages: they label and collect; the rules live in the services, which
name each bad field (the pages show their messages on the fields)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhunong.orgs.forms import DateInput

from .models import SupplierKind

DOCUMENT = forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})


class SupplierDetailsForm(forms.Form):
    name = forms.CharField(label=_("供应商名称"), max_length=128)
    kind = forms.ChoiceField(label=_("主体类型"), choices=[("", "—"), *SupplierKind.choices])
    farmer_benefit = forms.CharField(
        label=_("联农带农机制"),
        widget=forms.Textarea,
        help_text=_("如何带动当地农户：收购、务工、分红、订单农业……"),
    )
    households = forms.CharField(label=_("带动农户数（户）"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=64)
    contact_mobile = forms.CharField(
        label=_("联系人手机号"), max_length=20, help_text=_("也可用于登录")
    )
    contact_email = forms.CharField(
        label=_("电子邮箱"), required=False, help_text=_("证照到期提醒会发到这里")
    )
    bank_name = forms.CharField(label=_("开户银行"), max_length=128)
    bank_account = forms.CharField(label=_("结算账号"), max_length=40)
    producers = forms.CharField(
        label=_("被代理的生产主体（代理商填写）"),
        required=False,
        widget=forms.Textarea,
        help_text=_("每行一个：生产主体名称 所在县区划代码，如“兰考县红庙镇蜜瓜合作社 410225”"),
    )
    business_number = forms.CharField(label=_("营业执照编号"))
    business_issuer = forms.CharField(label=_("营业执照发证机关"))
    business_expires = forms.CharField(
        label=_("营业执照有效期至"), required=False, widget=DateInput, help_text=_("长期有效留空")
    )
    business_file = forms.FileField(label=_("营业执照（PDF 或图片）"), widget=DOCUMENT)
    food_production_number = forms.CharField(label=_("食品生产许可证编号"), required=False)
    food_production_issuer = forms.CharField(label=_("食品生产许可证发证机关"), required=False)
    food_production_expires = forms.CharField(
        label=_("食品生产许可证有效期至"), required=False, widget=DateInput
    )
    food_production_file = forms.FileField(
        label=_("食品生产许可证（PDF 或图片）"), required=False, widget=DOCUMENT
    )
    food_trading_number = forms.CharField(label=_("食品经营许可证编号"), required=False)
    food_trading_issuer = forms.CharField(label=_("食品经营许可证发证机关"), required=False)
    food_trading_expires = forms.CharField(
        label=_("食品经营许可证有效期至"), required=False, widget=DateInput
    )
    food_trading_file = forms.FileField(
        label=_("食品经营许可证（PDF 或图片）"), required=False, widget=DOCUMENT
    )


class RegistrationForm(SupplierDetailsForm):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    county = forms.CharField(
        label=_("注册地所在县（区划代码）"), max_length=12, help_text=_("须为832个脱贫县之一")
    )
    password = forms.CharField(
        label=_("登录密码"), widget=forms.PasswordInput, help_text=_("至少8位，不能全是数字")
    )
    password_again = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput)

    field_order = ["name", "credit_code", "kind", "county"]


class CorrectionForm(SupplierDetailsForm):
    """A returned application, corrected: the licences are uploaded again only if they change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("business_number", "business_issuer", "business_file"):
            self.fields[name].required = False
        self.fields["business_file"].help_text = _("不更换则留空")


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("原因"), required=False, widget=forms.Textarea)
    until = forms.CharField(label=_("暂停至（选填）"), required=False, widget=DateInput)
