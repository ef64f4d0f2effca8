"""The order list as Excel (one exporter, through the project's inert-text writer): for buyers,
suppliers and bureaus alike, the orders in the user's reach as the list page filters them."""

from datetime import date

from zhunong.spreadsheets import append, cell, workbook, xlsx_bytes

from . import paymentclock

HEADER = [
    "订单号", "采购单号", "下单日期", "采购单位", "单位区划", "渠道", "供应商", "付款方式",
    "状态", "商品金额(元)", "运费(元)", "订单金额(元)", "验收金额(元)", "已退款(元)",
    "最晚发货日期", "付款期限", "付款日期", "完成日期", "逾期利息(元)",
]  # fmt: skip
MONEY = "#,##0.00"
DAY = "yyyy-mm-dd"


def orders_xlsx(orders, on: date) -> bytes:
    wb = workbook(write_only=True)
    ws = wb.create_sheet("订单")
    append(ws, HEADER)

    def money(value):
        return cell(ws, value, number_format=MONEY) if value is not None else None

    def day(value):
        return cell(ws, value, number_format=DAY) if value is not None else None

    for o in orders:
        append(
            ws,
            [
                o.order_no,
                o.purchase.number,
                day(o.placed_on),
                o.unit.name,
                o.unit.region.name,
                str(o.get_channel_display()),
                o.supplier.name,
                str(o.get_payment_mode_display()),
                str(o.get_state_display()),
                money(o.goods_total),
                money(o.freight),
                money(o.total),
                money(o.accepted_total),
                money(o.refunded_total),
                day(o.latest_ship_on),
                day(o.payment_due_on),
                day(o.payment_sent_on),
                day(o.completed_on),
                money(paymentclock.late_interest(o, on)),
            ],
        )
    return xlsx_bytes(wb)
