"""The cart and the checkout (writes). A buyer buys through a trading account of its unit: the
cart belongs to the account, and one checkout makes one purchase with one order per supplier.

Correct under load (market.md "Anchors"): the products of a checkout are locked in primary-key
order (a fixed order, so two checkouts cannot deadlock), then stock is taken by a conditional
update that cannot go below zero; anything short refuses the whole checkout. A checkout carries an
idempotency key unique per buyer: a retry or a double click returns the purchase already made.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhunong import inputs, leansql
from zhunong.clock import today
from zhunong.ledger.models import Channel
from zhunong.orgs.models import Account, AccountKind, Membership, Role, Unit, UnitKind, UnitStatus

from . import orderledger
from .models import (
    CartItem,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMode,
    Product,
    Purchase,
    Supplier,
)
from .orderrules import text

SHIP_WITHIN = (7, 15, 30)
CENT = Decimal("0.01")
MAX_QUANTITY = 100_000


def buying_accounts(user):
    """The trading accounts the user may buy through: active ones of the active units where the
    user is a buyer (a canteen contractor's account is one of the unit it serves)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Account.objects.none()
    units = Membership.objects.filter(user=user, role=Role.BUYER).values("unit_id")
    return (
        Account.objects.filter(
            unit_id__in=units,
            kind=AccountKind.TRADING,
            activated_on__isnull=False,
            deactivated_on__isnull=True,
            unit__status=UnitStatus.ACTIVE,
        )
        .select_related("unit")
        .order_by("unit_id", "login")
    )


def buying_account(user, account_id=None) -> Account:
    """The account the user buys through now: the one asked for, else the first. Refused with a
    message when the user has none (a deactivated account, a dissolved unit, not a buyer)."""
    usable = getattr(user, "is_authenticated", False) and user.is_active
    found = _first_buying_account(user, account_id) if usable else None
    if found is None:
        if Membership.objects.filter(user=user, role=Role.BUYER).exists():
            raise PermissionDenied(
                _("您所在单位没有可用的交易账号（账号未激活、已停用，或单位已撤销），不能采购。")
            )
        raise PermissionDenied(_("只有单位的采购人可以采购。"))
    return found


def _first_buying_account(user, account_id) -> Account | None:
    """`buying_accounts(user)`'s first (or the one asked for) with its unit, in one statement of
    plain SQL: every checkout asks this, and through the ORM it cost more than the rest of the
    request's reads together (ADR 0025). tests/market/test_checkout.py holds the two to the same
    answer."""
    pk = inputs.id_or_none(account_id) if account_id else None
    if account_id and pk is None:
        return None
    sql = (
        f"SELECT {leansql.columns(Account, 'a')}, {leansql.columns(Unit, 'u')} "  # noqa: S608
        f"FROM {Membership._meta.db_table} m "
        f"JOIN {Account._meta.db_table} a ON a.unit_id = m.unit_id "
        f"JOIN {Unit._meta.db_table} u ON u.id = a.unit_id "
        "WHERE m.user_id = %s AND m.role = %s AND a.kind = %s AND a.activated_on IS NOT NULL "
        "AND a.deactivated_on IS NULL AND u.status = %s"
        + (" AND a.id = %s" if pk else "")
        + " ORDER BY a.unit_id, a.login LIMIT 1"
    )
    params = [user.pk, Role.BUYER, AccountKind.TRADING, UnitStatus.ACTIVE] + ([pk] if pk else [])
    rows = leansql.execute(sql, params)
    if not rows:
        return None
    split = leansql.width(Account)
    account = leansql.build(Account, rows[0][:split])
    account.unit = leansql.build(Unit, rows[0][split:])
    return account


def _quantity(value, product: Product) -> int:
    quantity = inputs.integer(
        value, minimum=1, maximum=MAX_QUANTITY, message=_("数量须为1至100000的整数")
    )
    if quantity < product.min_order:
        raise ValidationError(
            {"quantity": _("“%(p)s”起订量为%(n)s") % {"p": product.name, "n": product.min_order}}
        )
    if product.stock is not None and quantity > product.stock:
        raise ValidationError(
            {"quantity": _("“%(p)s”库存只有%(n)s") % {"p": product.name, "n": product.stock}}
        )
    return quantity


def cart_put(*, account: Account, product_id, quantity, add: bool = True) -> CartItem:
    """Puts a product on sale into the cart, or changes its quantity (`add`: adds to what is
    there)."""
    product = Product.objects.filter(pk=inputs.id_or_none(product_id), on_sale=True).first()
    if product is None:
        raise ValidationError({"product": _("没有这件在售商品")})
    current = CartItem.objects.filter(account=account, product=product).first()
    wanted = inputs.integer(
        quantity, minimum=1, maximum=MAX_QUANTITY, message=_("数量须为1至100000的整数")
    )
    if add and current is not None:
        wanted += current.quantity
    wanted = _quantity(wanted, product)
    if current is not None and CartItem.objects.filter(pk=current.pk).update(quantity=wanted):
        current.quantity = wanted
        return current
    try:
        with transaction.atomic():
            return CartItem.objects.create(account=account, product=product, quantity=wanted)
    except IntegrityError:
        # the same product put in at the same moment from another tab: that row stands, updated
        item = CartItem.objects.get(account=account, product=product)
        item.quantity = _quantity(item.quantity + wanted if add else wanted, product)
        item.save(update_fields=["quantity"])
        return item


def cart_remove(*, account: Account, item_id) -> None:
    deleted, _kinds = CartItem.objects.filter(
        account=account, pk=inputs.id_or_none(item_id)
    ).delete()
    if not deleted:
        from django.http import Http404

        raise Http404(_("购物车中没有这件商品。"))


@dataclass
class CartGroup:
    """The cart's products of one supplier: what becomes one order."""

    supplier: object
    items: list
    goods: Decimal
    freight: Decimal

    @property
    def total(self) -> Decimal:
        return self.goods + self.freight


def line_amount(price: Decimal, quantity: int) -> Decimal:
    return (price * quantity).quantize(CENT)


def freight_of(products_and_quantities) -> Decimal:
    """The freight of one supplier's order by each product's rule: its freight per order, waived
    when that product's amount reaches its free-shipping threshold."""
    freight = Decimal(0)
    for product, quantity in products_and_quantities:
        amount = line_amount(product.price, quantity)
        if product.free_over is not None and amount >= product.free_over:
            continue
        freight += product.freight
    return freight


def cart_groups(account: Account) -> list[CartGroup]:
    """The cart by supplier, at current prices (what the cart page and checkout show)."""
    items = list(
        CartItem.objects.filter(account=account)
        .select_related("product__supplier")
        .order_by("product__supplier_id", "product_id")
    )
    return _grouped(items)


MAX_BUY_NOW = 50


def wanted_items(items) -> dict[int, int]:
    """立即购买's list checked: {product id: quantity} in the order given. The same product twice
    counts once with both quantities."""
    if not isinstance(items, list | tuple) or not items:
        raise ValidationError({"items": _("请至少选择一件商品")})
    if len(items) > MAX_BUY_NOW:
        raise ValidationError({"items": _("一次最多购买%(n)s种商品") % {"n": MAX_BUY_NOW}})
    wanted: dict[int, int] = {}
    for n, entry in enumerate(items, start=1):
        entry = entry if isinstance(entry, dict) else {}
        pk = inputs.id_or_none(entry.get("product"))
        try:
            quantity = inputs.integer(
                entry.get("quantity"), minimum=1, maximum=MAX_QUANTITY, message=""
            )
        except ValidationError as error:
            raise ValidationError(
                {"items": _("第%(n)s件：数量须为1至100000的整数") % {"n": n}}
            ) from error
        if pk is None:
            raise ValidationError({"items": _("第%(n)s件：没有这件在售商品") % {"n": n}})
        wanted[pk] = wanted.get(pk, 0) + quantity
    return wanted


def buy_now_groups(wanted: dict[int, int]) -> list[CartGroup]:
    """立即购买: takes the stock of the wanted products at their current prices and returns them
    by supplier, without the cart (which stays as it is). Inside the checkout's transaction: the
    products stay locked until it ends. A product not on sale is refused by its place in the
    list."""
    place = {pk: n for n, pk in enumerate(wanted, start=1)}
    products = _take_stock([(pk, q, None) for pk, q in wanted.items()], place)
    chosen = sorted(
        (CartItem(product=products[pk], quantity=q) for pk, q in wanted.items()),
        key=lambda i: (i.product.supplier_id, i.product.pk),
    )
    return _grouped(chosen)


def _grouped(items) -> list[CartGroup]:
    groups: dict[int, CartGroup] = {}
    for item in items:
        product = item.product
        group = groups.setdefault(
            product.supplier_id, CartGroup(product.supplier, [], Decimal(0), Decimal(0))
        )
        item.amount = line_amount(product.price, item.quantity)
        group.items.append(item)
        group.goods += item.amount
    for group in groups.values():
        group.freight = freight_of((i.product, i.quantity) for i in group.items)
    return list(groups.values())


def _channel_unit(account: Account, channel: str) -> Unit:
    """The unit an order is placed for in the channel, or a message why the channel is not open
    to this account (the amount counts to the owning unit either way; domain.md "Purchasers")."""
    unit = account.unit
    if channel == Channel.CANTEEN:
        if unit.kind == UnitKind.UNION:
            raise ValidationError({"channel": _("工会账号请选择“工会”渠道")})
        return unit
    if channel == Channel.UNION:
        if unit.kind == UnitKind.UNION:
            return unit
        union = Unit.objects.filter(
            Q(owner=unit) | Q(parent=unit), kind=UnitKind.UNION, status=UnitStatus.ACTIVE
        ).first()
        if union is None:
            raise ValidationError({"channel": _("本单位没有登记工会，不能选择“工会”渠道")})
        return union
    if channel == Channel.SOE:
        if unit.kind != UnitKind.SOE:
            raise ValidationError({"channel": _("只有国有企业的账号可以选择“国有企业”渠道")})
        return unit
    if channel == Channel.EMPLOYEE:
        if unit.kind != UnitKind.BUDGET_UNIT:
            raise ValidationError({"channel": _("个人采购须绑定预算单位")})
        return unit
    raise ValidationError({"channel": _("渠道无效，可选：canteen、union、soe、employee")})


@dataclass
class Terms:
    channel: str
    ship_within_days: int
    payment_mode: str
    address: str
    invoice_title: str
    tax_no: str


def read_terms(data: dict) -> Terms:
    """The checkout's form or JSON, checked field by field."""
    channel = str(data.get("channel") or Channel.CANTEEN)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("渠道无效，可选：canteen、union、soe、employee")})
    try:
        days = int(str(data.get("ship_within_days") or 7))
    except ValueError:
        days = 0
    if days not in SHIP_WITHIN:
        raise ValidationError({"ship_within_days": _("最晚发货时间只能是7、15或30天")})
    mode = str(data.get("payment_mode") or PaymentMode.GOODS_FIRST)
    if mode not in PaymentMode.values:
        raise ValidationError({"payment_mode": _("付款方式无效，可选：goods_first、pay_first")})
    tax_no = text(data, "tax_no", _("纳税人识别号"), limit=20, required=False).upper()
    if tax_no and not (len(tax_no) in (15, 18, 20) and tax_no.isalnum()):
        raise ValidationError({"tax_no": _("纳税人识别号应为15、18或20位字母数字")})
    return Terms(
        channel=channel,
        ship_within_days=days,
        payment_mode=mode,
        address=text(data, "address", _("收货地址"), limit=255),
        invoice_title=text(data, "invoice_title", _("发票抬头"), limit=128),
        tax_no=tax_no,
    )


# what a checkout reads of a product it takes: enough for the order line, the freight and the
# supplier's name (the rest of the row is deferred)
TAKEN = (
    "id",
    "supplier_id",
    "name",
    "origin_id",
    "spec",
    "sale_unit",
    "price",
    "min_order",
    "stock",
    "freight",
    "free_over",
)


def _take_stock(wanted: list[tuple[int, int, Decimal | None]], place=None) -> dict[int, Product]:
    """Takes each (product, quantity, price seen or None) with one update per product, in
    primary-key order, that matches only while the product is on sale (at the price the buyer
    saw, when given), the quantity reaches its minimum and enough is left: stock never goes below
    zero, and the row locks are taken in a fixed order, so two checkouts cannot deadlock. The
    update returns the product as taken, with its supplier's name — one statement per product in
    plain SQL (ADR 0025). Only when an update matches nothing is the product read, to say why
    (`place`: the products' places in a 立即购买 list, which then names them)."""
    table = Product._meta.db_table
    supplier = Product._meta.get_field("supplier").related_model._meta.db_table
    taken = {}
    for pk, quantity, price in sorted(wanted):
        rows = leansql.execute(
            f"UPDATE {table} SET stock = CASE WHEN stock IS NULL THEN NULL "  # noqa: S608
            "ELSE stock - %s END, sales = sales + %s "
            "WHERE id = %s AND on_sale AND min_order <= %s AND (stock IS NULL OR stock >= %s)"
            + ("" if price is None else " AND price = %s")
            + f" RETURNING {leansql.columns(Product, table, TAKEN)}, "  # noqa: S608
            f"(SELECT s.name FROM {supplier} s WHERE s.id = {table}.supplier_id)",
            [quantity, quantity, pk, quantity, quantity] + ([] if price is None else [price]),
        )
        if not rows:
            _refuse(pk, quantity, price, place)
        product = leansql.build(Product, rows[0][:-1], TAKEN)
        product.supplier = Supplier.from_db(
            "default", ["id", "name"], [product.supplier_id, rows[0][-1]]
        )
        taken[pk] = product
    return taken


def _refuse(pk: int, quantity: int, price: Decimal | None, place) -> None:
    current = Product.objects.filter(pk=pk).first()
    if place is not None:
        if current is None or not current.on_sale:
            raise ValidationError({"items": _("第%(n)s件：没有这件在售商品") % {"n": place[pk]}})
        try:
            _quantity(quantity, current)
        except ValidationError as error:
            raise ValidationError({"items": error.messages}) from error
    if current is None or not current.on_sale:
        name = current.name if current is not None else pk
        raise ValidationError({"cart": _("“%(p)s”已下架，请从购物车移除") % {"p": name}})
    if price is not None and current.price != price:
        raise ValidationError(
            {
                "cart": _("“%(p)s”的价格已变为%(x)s元，请确认后再提交")
                % {"p": current.name, "x": current.price}
            }
        )
    if quantity < current.min_order:
        _quantity(quantity, current)
    raise ValidationError(
        {"cart": _("“%(p)s”库存不足（剩余%(n)s）") % {"p": current.name, "n": current.stock}}
    )


def checkout(
    *, actor, account: Account, data: dict, idempotency_key: str, items=None
) -> tuple[Purchase, bool]:
    """Turns the account's cart into one purchase with one order per supplier, or refuses with a
    message and changes nothing. With `items` (立即购买: `[{"product", "quantity"}]`) those are
    bought instead and the cart is left alone — one request per purchase instead of two.
    Returns (purchase, made): `made` is False when the key had already made this purchase (a
    retry), which is then returned as it is. Either way the purchase's orders, with their
    suppliers, are on `purchase.placed`.

    A retry is found by the key's unique constraint: the purchase is the transaction's first
    write, so a used key fails at once and costs nothing; a checkout that goes through (the usual
    case) makes no query to look for one."""
    key = inputs.clean_text(str(idempotency_key or ""))[:80]
    if not key:
        raise ValidationError({"idempotency_key": _("缺少 Idempotency-Key")})
    try:
        terms = read_terms(data)
        unit = _channel_unit(account, terms.channel)
    except ValidationError:
        done = _done(actor, key)
        if done is None:
            raise
        return done, False
    wanted = None if items is None else wanted_items(items)
    try:
        with transaction.atomic():
            day = today()
            purchase = leansql.insert_numbered(
                Purchase(buyer=actor, account=account, idempotency_key=key),
                "number",
                f"CG{day:%Y%m%d}",
            )
            if wanted is not None:
                groups = buy_now_groups(wanted)
            else:
                groups = cart_groups(account)
                if not groups:
                    raise ValidationError({"cart": _("购物车是空的")})
                for group in groups:
                    for item in group.items:
                        try:
                            _quantity(item.quantity, item.product)
                        except ValidationError as error:
                            raise ValidationError({"cart": error.messages}) from error
                _take_stock(
                    [(i.product.pk, i.quantity, i.product.price) for g in groups for i in g.items]
                )
            purchase.placed = [
                _place(purchase, group, account, unit, actor, terms, day) for group in groups
            ]
            if items is None:
                CartItem.objects.filter(account=account).delete()
    except IntegrityError:
        # the key made a purchase already (a retry), or at the same moment (a double click)
        done = _done(actor, key)
        if done is None:
            raise
        return done, False
    return purchase, True


def _done(actor, key: str) -> Purchase | None:
    """The purchase the buyer's key already made, with its orders on `placed`."""
    done = Purchase.objects.filter(buyer=actor, idempotency_key=key).first()
    if done is not None:
        done.placed = list(done.orders.select_related("supplier").order_by("pk"))
    return done


def _place(purchase, group: CartGroup, account, unit, actor, terms: Terms, day) -> Order:
    order = Order(
        purchase=purchase,
        supplier=group.supplier,
        unit=unit,
        account=account,
        buyer=actor,
        channel=terms.channel,
        payment_mode=terms.payment_mode,
        ship_within_days=terms.ship_within_days,
        address=terms.address,
        invoice_title=terms.invoice_title,
        tax_no=terms.tax_no,
        goods_total=group.goods,
        freight=group.freight,
        total=group.total,
        placed_on=day,
    )
    leansql.insert_numbered(order, "order_no", f"DD{day:%Y%m%d}")
    lines = [
        OrderLine(
            order=order,
            product=item.product,
            name=item.product.name,
            spec=item.product.spec,
            sale_unit=item.product.sale_unit,
            origin_code=item.product.origin_id,
            price=item.product.price,
            quantity=item.quantity,
            amount=item.amount,
        )
        for item in group.items
    ]
    event = OrderEvent(
        order=order,
        action="place",
        actor=actor,
        side="buyer",
        from_state="",
        to_state=order.state,
        data={"total": str(order.total), "freight": str(order.freight)},
    )
    # the order's lines, its first event and its ledger line in one round trip
    leansql.insert_together([*lines, event, orderledger.placed_line(order, lines)])
    _notify_placed(order)
    return order


def _notify_placed(order: Order) -> None:
    from .ordernotes import notify

    notify(order, _("新订单"), "buyer")
