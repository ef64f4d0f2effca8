"""An order's documents, opened as Word files, and the messages each step sends to the other
side (inbox and e-mail, through the task worker)."""

import io

from django.core import mail
from docx import Document

from tests.market.orders import S, order_in, place, step
from zhunong.market import contracts
from zhunong.market.models import Order
from zhunong.people.models import InboxMessage


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_contract_is_written_at_confirmation_and_never_rewritten(shop):
    order = place(shop)
    assert not order.contract
    order = step(shop, order, "confirm")
    with order.contract.open("rb") as f:
        written = f.read()
    text = text_of(written)
    for expected in (
        order.order_no,
        "金水区第一小学",
        "兰考县蜜瓜种植专业合作社",
        "兰考小米",
        "71.00",
        "先货后款",
    ):
        assert expected in text
    assert round(Document(io.BytesIO(written)).sections[0].page_width.cm, 1) == 21.0  # A4
    Order.objects.filter(pk=order.pk).update(address="改过的地址")
    order = step(shop, Order.objects.get(pk=order.pk), "ship")
    with order.contract.open("rb") as f:
        assert f.read() == written


def test_the_payment_request_certificate_names_the_supplier_account_and_due_date(shop):
    order = order_in(shop, S.CONFIRMED, mode="pay_first")
    text = text_of(contracts.payment_request_docx(order))
    assert "请款证明" in text and "行唐" not in text
    assert order.payment_due_on.isoformat() in text and "71.00" in text
    assert shop.coop.credit_code in text


def test_each_step_tells_the_other_side(shop, django_capture_on_commit_callbacks):
    shop.coop_user.email = "coop@example.com"
    shop.coop_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop)
    new = InboxMessage.objects.get(user=shop.coop_user)
    assert order.order_no in new.subject and "新订单" in new.subject
    assert [m.to for m in mail.outbox] == [["coop@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        step(shop, order, "confirm")
    told = InboxMessage.objects.filter(subject__contains="确认订单")
    assert set(told.values_list("user__username", flat=True)) == {"js_buyer", "js_admin"}
    assert all(m.url == f"/market/orders/{order.order_no}/" for m in told)
