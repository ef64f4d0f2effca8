from django import template

from zhunong.supervision.numbers import percent
from zhunong.supervision.numbers import wan as wan_

register = template.Library()


@register.filter
def wan(value):
    return wan_(value)


@register.filter
def pct(value):
    return percent(value)
