"""Forms parse and label input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhunong import access, inputs
from zhunong.clock import today

from .models import Canteen, Unit, UnitKind


class DateInput(forms.DateInput):
    input_type = "date"


def date_field(label, required=True):
    return inputs.DayField(label=label, required=required, widget=DateInput, initial=today)


class UnitChoiceField(forms.CharField):
    """A unit chosen by its code, among the units in the actor's reach."""

    def __init__(self, *args, actor=None, **kwargs):
        self.actor = actor
        kwargs.setdefault("help_text", _("填写单位编码"))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        unit = access.visible_units(self.actor).filter(code=code.strip()).first()
        if unit is None:
            raise forms.ValidationError(_("没有找到单位编码为 %(code)s 的单位") % {"code": code})
        return unit


class ActorForm(forms.Form):
    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        for field in self.fields.values():
            if isinstance(field, UnitChoiceField):
                field.actor = actor


class UnitRegisterForm(ActorForm):
    code = forms.CharField(label=_("单位编码"), max_length=40)
    name = forms.CharField(label=_("单位名称"), max_length=128)
    region = forms.ChoiceField(label=_("所属区划"))
    kind = forms.ChoiceField(label=_("单位类型"), choices=UnitKind.choices)
    parent = UnitChoiceField(label=_("主管单位编码"), required=False)
    owner = UnitChoiceField(label=_("所属单位编码（国有企业、工会）"), required=False)
    canteen = forms.ChoiceField(
        label=_("食堂情况"),
        required=False,
        choices=[("", "—"), (Canteen.OWN, Canteen.OWN.label), (Canteen.NONE, Canteen.NONE.label)],
    )
    registered_on = date_field(_("登记日期"))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        regions = access.managed_regions(actor).order_by("path")
        self.fields["region"].choices = [
            (r.code, f"{'　' * (r.depth - 1)}{r.name}") for r in regions[:4000]
        ]


class RenameForm(ActorForm):
    name = forms.CharField(label=_("新名称"), max_length=128)
    effective_on = date_field(_("生效日期"))
    document_no = forms.CharField(label=_("文号"), max_length=64, required=False)


class MoveForm(ActorForm):
    region = forms.CharField(label=_("新区划代码"), max_length=12)
    effective_on = date_field(_("生效日期"))
    document_no = forms.CharField(label=_("文号"), max_length=64, required=False)

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        region = access.visible_regions(self.actor).filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("没有找到区划代码 %(code)s") % {"code": code})
        return region


class ParentForm(ActorForm):
    parent = UnitChoiceField(label=_("主管单位编码"), required=False)
    effective_on = date_field(_("生效日期"))
    document_no = forms.CharField(label=_("文号"), max_length=64, required=False)


class CanteenForm(ActorForm):
    canteen = forms.ChoiceField(label=_("食堂情况"), choices=Canteen.choices)
    host = forms.CharField(
        label=_("代表单位编码（共用食堂）"), required=False, help_text=_("同一区划内的单位")
    )
    contractor = forms.CharField(label=_("承包方名称（食堂外包）"), max_length=128, required=False)
    effective_on = date_field(_("生效日期"))

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_host(self):
        from .queries import canteen_host_candidates

        code = self.cleaned_data["host"].strip()
        if not code:
            return None
        host = canteen_host_candidates(self.actor, self.unit).filter(code=code).first()
        if host is None:
            raise forms.ValidationError(
                _("本区划内没有单位编码为 %(code)s 的正常单位") % {"code": code}
            )
        return host


class MergeForm(ActorForm):
    into = UnitChoiceField(label=_("并入单位编码"))
    effective_on = date_field(_("生效日期"))
    document_no = forms.CharField(label=_("文号"), max_length=64, required=False)
    note = forms.CharField(label=_("说明"), max_length=255, required=False)


class DissolveForm(ActorForm):
    effective_on = date_field(_("生效日期"))
    document_no = forms.CharField(label=_("文号"), max_length=64, required=False)
    note = forms.CharField(label=_("说明"), max_length=255, required=False)


class AccountOpenForm(ActorForm):
    kind = forms.ChoiceField(label=_("账号类型"))
    login = forms.CharField(label=_("账号"), max_length=64)
    holder = forms.CharField(label=_("使用人"), max_length=64, required=False)
    mobile = forms.CharField(label=_("手机号"), max_length=11, required=False)
    opened_on = date_field(_("开通日期"))
    is_contractor = forms.BooleanField(label=_("为食堂承包方开通"), required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import AccountKind

        kinds = [(AccountKind.TRADING, AccountKind.TRADING.label)]
        if not unit.accounts.filter(kind=AccountKind.MANAGEMENT).exists():
            kinds.insert(0, (AccountKind.MANAGEMENT, AccountKind.MANAGEMENT.label))
        self.fields["kind"].choices = kinds


class BulkAccountsForm(forms.Form):
    file = forms.FileField(label=_("填好的模板（.xlsx）"))


class DayForm(forms.Form):
    day = inputs.DayField(label=_("日期"), required=False, widget=DateInput)


class PersonForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    mobile = forms.CharField(label=_("手机号"), max_length=11, required=False)
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[
            ("buyer", _("采购人")),
            ("unit_admin", _("单位管理员")),
            ("supervisor", _("主管单位")),
        ],
    )
