"""The buying pages as people use them: a buyer fills the cart from the product page, checks out
into two orders, the supplier confirms and ships from the order page, the buyer accepts, pays
and rates; the lists, the Excel download, the documents, the overdue and dispute pages."""

import io
import re
from datetime import timedelta

import openpyxl

from tests.market.orders import S, order_in, place, step
from zhunong.market.models import Order


def test_a_buyer_buys_from_two_suppliers_through_the_pages(shop, client_for):
    client = client_for(shop.js_buyer)
    page = client.get(f"/market/products/{shop.millet.pk}/").content.decode()
    assert 'id="add-to-cart"' in page
    client.post("/market/cart/add/", {"product": shop.millet.pk, "quantity": 2})
    client.post("/market/cart/add/", {"product": shop.dates.pk, "quantity": 2})
    cart = client.get("/market/cart/").content.decode()
    assert cart.count('class="card mb-3 cart-group"') == 2 and "¥122.60" in cart
    key = re.search(r'name="idempotency_key" value="(\w+)"', cart).group(1)
    terms = {
        "idempotency_key": key,
        "channel": "canteen",
        "ship_within_days": "15",
        "payment_mode": "goods_first",
        "address": "金水区文化路1号",
        "invoice_title": "金水区第一小学",
        "tax_no": "",
    }
    listed = client.post(
        f"/market/checkout/?account={shop.js_school_trade.pk}", terms, follow=True
    ).content.decode()
    assert "按供应商拆分为2个订单" in listed
    client.post(f"/market/checkout/?account={shop.js_school_trade.pk}", terms)  # pressed twice
    assert Order.objects.count() == 2
    order = Order.objects.get(supplier=shop.coop)
    assert order.ship_within_days == 15

    seller = client_for(shop.coop_user)
    page = seller.get(f"/market/orders/{order.order_no}/").content.decode()
    assert 'data-action="confirm"' in page and 'data-action="accept"' not in page
    seller.post(f"/market/orders/{order.order_no}/confirm/")
    seller.post(f"/market/orders/{order.order_no}/ship/", {"carrier": "顺丰", "waybill": "SF9"})
    buyer = client_for(shop.js_buyer)
    line = order.lines.get()
    buyer.post(
        f"/market/orders/{order.order_no}/accept/",
        {"partial": "1", f"accepted_{line.pk}": "2", f"reason_{line.pk}": ""},
    )
    buyer.post(f"/market/orders/{order.order_no}/pay/", {"reference": "BANK-77"})
    client_for(shop.coop_user).post(f"/market/orders/{order.order_no}/confirm_payment/")
    page = (
        client_for(shop.js_buyer)
        .post(
            f"/market/orders/{order.order_no}/rate/",
            {"quality": "5", "delivery": "4", "service": "5", "comment": "好"},
            follow=True,
        )
        .content.decode()
    )
    assert "已完成：评价" in page and "已完成</span>" in page
    for step_name in ("下单", "确认订单", "发货", "验收", "付款", "确认收款", "评价"):
        assert step_name in page
    assert "运单号 SF9" in page


def test_a_refused_step_on_a_page_shows_why_and_changes_nothing(shop, client_for):
    order = place(shop)
    page = (
        client_for(shop.js_buyer)
        .post(f"/market/orders/{order.order_no}/accept/", follow=True)
        .content.decode()
    )
    assert "不能进行此操作" in page
    assert Order.objects.get(pk=order.pk).state == S.PLACED
    page = client_for(shop.coop_user).post(f"/market/orders/{order.order_no}/confirm/", follow=True)
    order = order_in(shop, S.CONFIRMED)
    page = (
        client_for(shop.coop_user)
        .post(f"/market/orders/{order.order_no}/ship/", {"carrier": "顺丰"}, follow=True)
        .content.decode()
    )
    assert "请填写运单号" in page and Order.objects.get(pk=order.pk).state == S.CONFIRMED


def test_the_order_list_downloads_as_excel(shop, client_for):
    order = order_in(shop, S.COMPLETED)
    response = client_for(shop.js_finance).get("/market/orders/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("订单号", "采购单号", "下单日期", "采购单位")
    assert rows[1][0] == order.order_no and rows[1][3] == "金水区第一小学"
    assert rows[1][11] == 71.0 and rows[1][8] == "已完成"


def test_lists_are_scoped(shop, client_for):
    order = place(shop)
    for person in (shop.js_buyer, shop.js_admin, shop.coop_user, shop.js_finance, shop.operator):
        assert order.order_no in client_for(person).get("/market/orders/").content.decode()
    for person in (shop.eq_admin, shop.xt_user, shop.eq_finance):
        client = client_for(person)
        assert order.order_no not in client.get("/market/orders/").content.decode()
        assert client.get(f"/market/orders/{order.order_no}/").status_code == 404


def test_documents_of_an_order(shop, client_for):
    order = order_in(shop, S.CONFIRMED, mode="pay_first")
    client = client_for(shop.js_buyer)
    contract = client.get(f"/market/orders/{order.order_no}/file/contract/")
    assert contract.status_code == 200 and contract.content[:2] == b"PK"
    certificate = client.get(f"/market/orders/{order.order_no}/file/payment-request/")
    assert certificate.status_code == 200 and certificate.content[:2] == b"PK"
    goods_first = place(shop)
    assert (
        client.get(f"/market/orders/{goods_first.order_no}/file/payment-request/").status_code
        == 404
    )
    assert (
        client_for(shop.xt_user).get(f"/market/orders/{order.order_no}/file/contract/").status_code
        == 404
    )


def test_the_overdue_page_shows_interest_and_regions(shop, client_for, monkeypatch):
    order = order_in(shop, S.ACCEPTED)
    later = order.payment_due_on + timedelta(days=10)
    monkeypatch.setattr("zhunong.market.order_views.today", lambda: later)
    page = client_for(shop.city_finance).get("/market/orders/overdue/").content.decode()
    assert order.order_no in page and "0.36" in page  # 71.00 × 0.0005 × 10
    assert "金水区" in page
    assert (
        order.order_no
        not in client_for(shop.eq_finance).get("/market/orders/overdue/").content.decode()
    )


def test_a_dispute_reaches_the_operator(shop, client_for):
    order = order_in(shop, S.COMPLETED)
    step(shop, order, "refund", amount="5.00", reason="破损")
    step(shop, order, "refund_decide", side="supplier", agree=False, answer="完好")
    step(shop, order, "refund_decide", side="buyer", answer="有照片")
    listed = client_for(shop.operator).get("/market/orders/disputes/").content.decode()
    assert order.order_no in listed and "待平台裁决" in listed
    page = client_for(shop.operator).get(f"/market/orders/{order.order_no}/").content.decode()
    assert 'data-action="refund_decide"' in page


def test_the_dashboard_shows_unpaid_and_overdue_by_region(shop, client_for, monkeypatch):
    order = order_in(shop, S.ACCEPTED)
    monkeypatch.setattr("zhunong.clock.today", lambda: order.payment_due_on + timedelta(days=1))
    page = (
        client_for(shop.city_finance)
        .get(
            "/supervision/dashboard/",
            {
                "region": "410100",
                "year": order.placed_on.year,
                "as_of": order.placed_on.isoformat(),
            },
        )
        .content.decode()
    )
    section = page[page.index('id="payments"') :]
    assert "金水区" in section and section.count("71.00") == 2


def test_a_refund_request_carries_photos_the_supplier_can_open(shop, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.market.conftest import png

    order = order_in(shop, S.COMPLETED)
    client_for(shop.js_buyer).post(
        f"/market/orders/{order.order_no}/refund/",
        {
            "amount": "10.00",
            "reason": "两袋破损",
            "photos": [SimpleUploadedFile("a.png", png(), "image/png")],
        },
    )
    refund = order.refunds.get()
    assert len(refund.photos) == 1
    seller = client_for(shop.coop_user)
    page = seller.get(f"/market/orders/{order.order_no}/").content.decode()
    assert f"/market/orders/{order.order_no}/file/photo-1-1/" in page
    photo = seller.get(f"/market/orders/{order.order_no}/file/photo-1-1/")
    assert photo.status_code == 200 and photo.content == png()
    assert (
        client_for(shop.xt_user).get(f"/market/orders/{order.order_no}/file/photo-1-1/").status_code
        == 404
    )
    refused = client_for(shop.js_buyer).post(
        f"/market/orders/{order.order_no}/refund/",
        {
            "amount": "1.00",
            "reason": "x",
            "photos": [SimpleUploadedFile("a.txt", b"hello", "text/plain")],
        },
    )
    assert refused.status_code in (400, 409) and order.refunds.count() == 1
