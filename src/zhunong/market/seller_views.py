"""The supplier's workspace for its listings: the list with each one's state and why it is not on
sale, the form (new and change, photos), certificates, 上架/下架, applying to a zone, its sales."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from zhunong import inputs
from zhunong.clock import today
from zhunong.orgs.forms import DateInput
from zhunong.web.forms import add_service_errors

from . import listings, queries, sales, zones
from .forms import DOCUMENT
from .models import Category, CertificateKind, Product


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class ListingForm(forms.Form):
    name = forms.CharField(label=_l("商品名称"), max_length=128)
    category = forms.ChoiceField(label=_l("分类"))
    origin = forms.CharField(label=_l("产地（县区划代码）"), max_length=12)
    spec = forms.CharField(
        label=_l("规格"), help_text=_l("如 5千克/袋、500g×2盒；写明重量或容量，买家可按每500克比价")
    )
    sale_unit = forms.CharField(
        label=_l("销售单位"), max_length=8, initial="件", help_text=_l("袋、箱、盒、瓶……")
    )
    price = forms.CharField(label=_l("单价（元）"))
    min_order = forms.CharField(label=_l("起订量"), initial="1")
    stock = forms.CharField(label=_l("库存"), required=False, help_text=_l("不计库存留空"))
    ship_to = forms.CharField(
        label=_l("配送省份（省级区划代码）"),
        required=False,
        help_text=_l("多个用逗号分隔，留空为全国"),
    )
    freight = forms.CharField(label=_l("运费（元/单）"), initial="0")
    free_over = forms.CharField(label=_l("满额包邮（元）"), required=False)
    description = forms.CharField(label=_l("商品描述"), required=False, widget=forms.Textarea)
    photos = forms.FileField(
        label=_l("商品图片（JPG、PNG，最多5张）"),
        required=False,
        widget=MultipleFiles(attrs={"accept": ".jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.code, str(c))
            for c in Category.objects.filter(parent__isnull=False).select_related("parent")
        ]


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_l("类型"), choices=CertificateKind.choices)
    number = forms.CharField(label=_l("证书（报告）编号"), max_length=64)
    issuer = forms.CharField(label=_l("发证（检测）机构"), max_length=128, required=False)
    expires_on = forms.CharField(label=_l("有效期至"), widget=DateInput)
    file = forms.FileField(label=_l("文件（PDF 或图片）"), required=False, widget=DOCUMENT)


def _own(request):
    supplier = queries.own_supplier(request.user)
    if supplier is None:
        raise Http404(_("没有找到，或无权查看。"))
    return supplier


def _own_product(request, product_id) -> Product:
    supplier = _own(request)
    product = queries.own_products(request.user).filter(pk=product_id, supplier=supplier).first()
    if product is None:
        raise Http404(_("没有找到，或无权查看。"))
    return product


@login_required
def my_products(request):
    supplier = _own(request)
    products = queries.own_products(request.user).select_related("category", "origin")
    return render(
        request,
        "market/my_products.html",
        {
            "supplier": supplier,
            "products": products.order_by("-id"),
            "sales": sales.sales_by_year(sales.visible_sales(request.user)),
            "zones": queries.open_zones(today()),
        },
    )


@login_required
def product_edit(request, product_id=None):
    supplier = _own(request)
    product = _own_product(request, product_id) if product_id else None
    initial = {}
    if product is not None:
        initial = {
            f: getattr(product, f)
            for f in (
                "name",
                "spec",
                "sale_unit",
                "price",
                "min_order",
                "stock",
                "freight",
                "free_over",
                "description",
            )
        }
        initial.update(
            category=product.category_id,
            origin=product.origin_id,
            ship_to=",".join(product.ship_to),
        )
    form = ListingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        form.is_valid()
        try:
            saved = listings.product_save(
                actor=request.user,
                supplier=supplier,
                data=request.POST,
                files=request.FILES,
                product=product,
            )
        except ValidationError as exc:
            form.errors.clear()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已提交，等待平台审核后上架。"))
            return redirect("my-product", product_id=saved.pk)
    title = _("修改商品") if product else _("发布商品")
    return render(
        request, "market/product_form.html", {"form": form, "title": title, "product": product}
    )


@login_required
def my_product(request, product_id):
    product = _own_product(request, product_id)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        form.is_valid()
        try:
            listings.certificate_add(
                actor=request.user,
                product=product,
                kind=request.POST.get("kind", ""),
                number=request.POST.get("number", ""),
                issuer=request.POST.get("issuer", ""),
                expires_on=request.POST.get("expires_on", ""),
                file=request.FILES.get("file"),
            )
        except ValidationError as exc:
            form.errors.clear()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加证书。"))
            return redirect("my-product", product_id=product.pk)
    return render(
        request,
        "market/my_product.html",
        {
            "product": product,
            "form": form,
            "steps": product.steps.select_related("actor"),
            "certificates": product.certificates.all(),
            "entries": product.zone_entries.select_related("zone"),
            "zones": queries.open_zones(today()),
        },
    )


@login_required
@require_POST
def product_listing(request, product_id, action):
    """上架 / 下架 by the supplier."""
    product = _own_product(request, product_id)
    if action not in ("list", "unlist"):
        raise Http404
    try:
        listings.product_list(actor=request.user, product=product, listed=action == "list")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("已上架（审核通过且无其他限制时在售）") if action == "list" else _("已下架")
        )
    return redirect("my-product", product_id=product.pk)


@login_required
@require_POST
def zone_apply(request, product_id):
    product = _own_product(request, product_id)
    zone_id = inputs.id_or_none(request.POST.get("zone", ""))
    try:
        zones.entry_apply(actor=request.user, product=product, zone_id=zone_id)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已申请入选专区，等待平台审核。"))
    return redirect("my-product", product_id=product.pk)
