"""Payment: the one seam where a bank or UnionPay integration would plug in (ADR 0018).

There is no payment gateway. The buyer records the payment it made (a bank reference) and the
supplier confirms receipt; `record` is called in the transaction of the buyer's step, so a gateway
that refuses can refuse the step. Today it only checks that a reference is not reused.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def record(order, reference: str) -> None:
    """Records that the buyer paid the order with `reference`. A gateway would start or verify the
    transfer here; the same reference may not pay two orders of one supplier."""
    from .models import Order

    reused = (
        Order.objects.filter(supplier_id=order.supplier_id, payment_reference=reference)
        .exclude(pk=order.pk)
        .exists()
    )
    if reused:
        raise ValidationError({"reference": _("此付款凭证号已用于该供应商的另一笔订单")})
