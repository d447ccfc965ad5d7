from django import template

from cheques.enums import CarnetStatus, ChequeStatus, OrderStatus, PrintStatus

register = template.Library()

_BADGES = {
    OrderStatus.ISSUED: "badge-ok",
    OrderStatus.PAID: "badge-warn",
    OrderStatus.CONFIRMED: "badge-warn",
    OrderStatus.CANCELLED: "badge-error",
    ChequeStatus.REDEEMED: "badge-ok",
    ChequeStatus.SETTLED: "badge-ok",
    ChequeStatus.EXPIRED: "badge-error",
    ChequeStatus.BLOCKED: "badge-error",
    CarnetStatus.DISTRIBUTED: "badge-ok",
    CarnetStatus.ASSIGNED: "badge-warn",
    CarnetStatus.REPLACED: "badge-error",
    PrintStatus.DONE: "badge-ok",
}


@register.filter
def badge(status) -> str:
    """``{{ order.status|badge }}`` -> the CSS class of its badge."""
    return _BADGES.get(status, "")


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.inclusion_tag("cheques/panels/funder.html", takes_context=True)
def funder_panels(context):
    from cheques.models import Order
    from cheques.selectors import funder_stats

    access = context["access"]
    funder = access.organisation
    return {
        "access": access,
        "orders": Order.objects.filter(funder=funder).order_by("-created_at")[:5],
        "stats": [s for s in funder_stats(funder) if s.distributeur_id or s.carnets_idle],
    }


@register.inclusion_tag("cheques/panels/distributeur.html", takes_context=True)
def distributeur_panels(context):
    from cheques.models import Carnet
    from cheques.selectors import distributeur_stock

    access = context["access"]
    stock = distributeur_stock(access.organisation)
    return {
        "access": access,
        "stock_count": stock.count(),
        "stock": stock[:10],
        "handed_out": Carnet.objects.filter(distributeur=access.organisation, status=CarnetStatus.DISTRIBUTED).count(),
    }


@register.inclusion_tag("cheques/panels/finance.html")
def finance_panel():
    from cheques.services.orders import orders_awaiting_payment

    orders = orders_awaiting_payment()
    return {"count": orders.count(), "orders": orders[:5]}
