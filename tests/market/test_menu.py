"""The menu of the marketplace's own roles: what a supplier and a county bureau can use, and no
entry that would open an empty list."""

from tests.web.test_pages import _menu


def test_a_supplier_gets_its_goods_and_orders_not_units_or_the_ledger(seller, client_for):
    menu = _menu(client_for(seller.coop_user))
    assert {"商城", "订单", "我的商品"} <= set(menu), menu
    assert not {"单位", "台账", "进度表"} & set(menu), menu


def test_a_county_rural_bureau_gets_its_suppliers_not_units_or_the_ledger(market, client_for):
    menu = _menu(client_for(market.lankao_rural))
    assert {"供应商", "商品与销售"} <= set(menu), menu
    assert not {"单位", "台账"} & set(menu), menu


def test_a_unit_buyer_still_has_its_units_and_ledger(world, client_for):
    assert {"单位", "台账"} <= set(_menu(client_for(world.js_buyer)))


def test_a_supplier_order_list_offers_no_overdue_page_it_may_not_open(seller, client_for):
    client = client_for(seller.coop_user)
    html = client.get("/market/orders/").content.decode()
    assert "售后与纠纷" in html
    assert "/market/orders/overdue/" not in html
    assert client.get("/market/orders/overdue/").status_code == 403
