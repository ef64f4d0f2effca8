"""A whole purchase through the API, as an integrator drives it: the buyer's and the supplier's
tokens, the cart, a checkout with Idempotency-Key, every step, and refusals that answer 409 or
422 with a Chinese message and change nothing."""

from decimal import Decimal

from tests.market.conftest import ADDRESS
from tests.market.test_api import bearer
from zhunong.ledger.models import PurchaseLine
from zhunong.market.models import Order, Purchase


def test_a_buyer_and_two_suppliers_complete_a_purchase_through_the_api(shop):
    buyer, coop, xt = bearer(shop.js_buyer), bearer(shop.coop_user), bearer(shop.xt_user)
    for product, quantity in ((shop.millet, 2), (shop.dates, 3)):
        answer = buyer.post(
            "/api/v1/market/cart/items",
            {"product": product.pk, "quantity": quantity},
            content_type="application/json",
        )
        assert answer.status_code == 201
    cart = buyer.get("/api/v1/market/cart").json()
    assert cart["total"] == "148.40"  # 2 × 35.50 + 3 × 25.80
    placed = buyer.post(
        "/api/v1/market/checkout",
        ADDRESS,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert placed.status_code == 201
    body = placed.json()
    assert sorted((o["supplier"], o["total"]) for o in body["orders"]) == [
        ("兰考县蜜瓜种植专业合作社", "71.00"),
        ("行唐县红枣专业合作社", "77.40"),
    ]
    again = buyer.post(
        "/api/v1/market/checkout",
        ADDRESS,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert again.status_code == 200 and again.json() == body
    number = next(o["order_no"] for o in body["orders"] if o["total"] == "71.00")
    url = f"/api/v1/market/orders/{number}"

    def act(client, action, data=None, expect=200):
        answer = client.post(f"{url}/{action}", data or {}, content_type="application/json")
        assert answer.status_code == expect, answer.json()
        return answer.json()

    assert act(coop, "confirm")["state"] == "confirmed"
    assert act(coop, "ship", {"carrier": "顺丰", "waybill": "SF1"})["state"] == "shipped"
    assert act(buyer, "accept")["accepted_total"] == "71.00"
    assert act(buyer, "pay", {"reference": "BANK-1"})["state"] == "payment_sent"
    assert act(coop, "confirm_payment")["state"] == "paid"
    done = act(buyer, "rate", {"quality": 5, "delivery": 5, "service": 4, "comment": "好"})
    assert done["state"] == "completed"
    assert [e["action"] for e in done["events"]] == [
        "place", "confirm", "ship", "accept", "pay", "confirm_payment", "rate",
    ]  # fmt: skip
    line = PurchaseLine.objects.get(order_no=number)
    assert (line.amount, line.completed_on is not None) == (Decimal("71.00"), True)
    # the other supplier's order is not this supplier's business
    assert xt.get(url).status_code == 404
    listed = xt.get("/api/v1/market/orders").json()["items"]
    assert [o["supplier"] for o in listed] == ["行唐县红枣专业合作社"]


def test_a_refused_step_answers_409_and_bad_data_422_and_nothing_changes(shop):
    buyer, coop = bearer(shop.js_buyer), bearer(shop.coop_user)
    buyer.post(
        "/api/v1/market/cart/items",
        {"product": shop.millet.pk, "quantity": 1},
        content_type="application/json",
    )
    placed = buyer.post(
        "/api/v1/market/checkout",
        ADDRESS,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x",
    ).json()
    url = f"/api/v1/market/orders/{placed['orders'][0]['order_no']}"
    early = buyer.post(f"{url}/accept", {}, content_type="application/json")
    assert early.status_code == 409 and "待确认" in early.json()["message"]
    wrong_side = buyer.post(f"{url}/confirm", {}, content_type="application/json")
    assert wrong_side.status_code == 409 and "您不能" in wrong_side.json()["message"]
    coop.post(f"{url}/confirm", {}, content_type="application/json")
    no_waybill = coop.post(f"{url}/ship", {"carrier": "顺丰"}, content_type="application/json")
    assert no_waybill.status_code == 422 and "waybill" in no_waybill.json()["errors"]
    assert Order.objects.get().state == "confirmed"
    assert buyer.post(f"{url}/fly", {}, content_type="application/json").status_code == 404


def test_checkout_needs_an_idempotency_key_and_names_bad_fields(shop):
    buyer = bearer(shop.js_buyer)
    buyer.post(
        "/api/v1/market/cart/items",
        {"product": shop.millet.pk, "quantity": 1},
        content_type="application/json",
    )
    missing = buyer.post("/api/v1/market/checkout", ADDRESS, content_type="application/json")
    assert missing.status_code == 422
    bad = buyer.post(
        "/api/v1/market/checkout",
        {**ADDRESS, "ship_within_days": 9},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert bad.status_code == 400 and "ship_within_days" in bad.json()["errors"]
    assert Purchase.objects.count() == 0


def test_someone_who_is_not_a_buyer_has_no_cart(shop):
    for person in (shop.coop_user, shop.js_finance, shop.js_admin):
        answer = bearer(person).get("/api/v1/market/cart")
        assert answer.status_code == 403 and "采购人" in answer.json()["message"]


def test_buy_now_places_the_listed_products_in_one_request_and_leaves_the_cart_alone(shop):
    buyer = bearer(shop.js_buyer)
    buyer.post(
        "/api/v1/market/cart/items",
        {"product": shop.dates.pk, "quantity": 2},
        content_type="application/json",
    )
    placed = buyer.post(
        "/api/v1/market/checkout",
        {**ADDRESS, "items": [{"product": shop.millet.pk, "quantity": 2}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="now-1",
    )
    assert placed.status_code == 201
    assert [(o["supplier"], o["total"]) for o in placed.json()["orders"]] == [
        ("兰考县蜜瓜种植专业合作社", "71.00")  # 2 × 35.50
    ]
    order = Order.objects.get()
    assert [(line.product_id, line.quantity) for line in order.lines.all()] == [(shop.millet.pk, 2)]
    assert PurchaseLine.objects.get(order_no=order.order_no).amount == Decimal("71.00")
    # the cart still holds what was put there
    cart = buyer.get("/api/v1/market/cart").json()
    assert [(i["product"], i["quantity"]) for i in cart["items"]] == [(shop.dates.pk, 2)]
    shop.millet.refresh_from_db()
    assert shop.millet.sales == 2


def test_buy_now_refuses_a_product_not_on_sale_by_its_place_and_changes_nothing(shop):
    buyer = bearer(shop.js_buyer)
    shop.dates.on_sale = False
    shop.dates.save()
    refused = buyer.post(
        "/api/v1/market/checkout",
        {
            **ADDRESS,
            "items": [
                {"product": shop.millet.pk, "quantity": 1},
                {"product": shop.dates.pk, "quantity": 1},
            ],
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="now-2",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["items"] == "第2件：没有这件在售商品"
    empty = buyer.post(
        "/api/v1/market/checkout",
        {**ADDRESS, "items": []},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="now-3",
    )
    assert empty.status_code == 400 and "至少" in empty.json()["errors"]["items"]
    assert (Purchase.objects.count(), Order.objects.count()) == (0, 0)
    shop.millet.refresh_from_db()
    assert shop.millet.sales == 0
