"""Writes of the supervision settings, by finance bureaus."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import access, inputs
from zhunong.regions.models import Region

from .models import AssessmentWeights, BuyingTask, NoticeSchedule, NoticeTemplate, YearSettings


@transaction.atomic
def year_settings_set(
    *, actor, region, year: int, buying_target_date: date, filing_deadline: date | None = None
) -> YearSettings:
    """Sets the region's buying target date (and filing deadline) for a year; the regions below it
    inherit them unless they set their own."""
    access.require_region_manager(actor, region)
    errors = {}
    if buying_target_date.year != year:
        errors["buying_target_date"] = _("采购目标日期须在 %(y)s 年内") % {"y": year}
    if filing_deadline and filing_deadline.year != year:
        errors["filing_deadline"] = _("填报截止日期须在 %(y)s 年内") % {"y": year}
    if filing_deadline and filing_deadline >= buying_target_date:
        errors["filing_deadline"] = _("填报截止日期须早于采购目标日期")
    if errors:
        raise ValidationError(errors)
    setting, _created = YearSettings.objects.update_or_create(
        region=region,
        year=year,
        defaults={
            "buying_target_date": buying_target_date,
            "filing_deadline": filing_deadline or YearSettings.defaults(year)[1],
            "updated_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    return setting


@transaction.atomic
def buying_tasks_set(
    *, actor, region, year: int, amounts: dict[str, object], in_wan: bool = False
) -> list[BuyingTask]:
    """Hands the region's sub-regions their buying tasks for a year (amounts by sub-region code,
    in yuan, or in 万元 as the page takes them with `in_wan`; blank takes a task back). All or
    nothing: one bad amount, named by its sub-region, changes none."""
    access.require_region_manager(actor, region)
    children = {c.code: c for c in Region.objects.filter(parent=region)}
    errors: dict[str, str] = {}
    parsed = {}
    for code, value in amounts.items():
        if code not in children:
            errors[code] = _("%(code)s 不是%(region)s的下级地区") % {
                "code": code,
                "region": region.name,
            }
            continue
        parser = inputs.amount_wan if in_wan else inputs.amount
        try:
            parsed[code] = None if value in (None, "") else parser(value)
        except ValidationError as exc:
            errors[code] = f"{children[code].name}：{'；'.join(exc.messages)}"
    if errors:
        raise ValidationError(errors)
    saved = []
    for code, amount in parsed.items():
        if amount is None:
            BuyingTask.objects.filter(region=children[code], year=year).delete()
            continue
        task, _created = BuyingTask.objects.update_or_create(
            region=children[code],
            year=year,
            defaults={"amount": amount, "set_by": actor if getattr(actor, "pk", None) else None},
        )
        saved.append(task)
    return saved


@transaction.atomic
def assessment_weights_set(*, actor, region, year: int, **weights) -> AssessmentWeights:
    """Sets the region's assessment weights for a year; they must sum to 100."""
    access.require_region_manager(actor, region)
    keys = ("activation", "filing_on_time", "filing_compliant", "completion")
    values, errors = {}, {}
    for key in keys:
        try:
            values[key] = inputs.percent(weights[key])
        except ValidationError as exc:
            errors[key] = "；".join(exc.messages)
    if not errors and sum(values.values()) != 100:
        errors["activation"] = _("四项权重之和须为100（现为 %(s)s）") % {"s": sum(values.values())}
    if errors:
        raise ValidationError(errors)
    found, _created = AssessmentWeights.objects.update_or_create(
        region=region, year=year, defaults=values
    )
    return found


@transaction.atomic
def notice_schedule_set(
    *, actor, region, frequency: str, day: int, active: bool = True
) -> NoticeSchedule:
    """Sets the region's schedule of notice drafts and queues the task that keeps it."""
    from django.db import transaction as tx

    from .schedules import draft_scheduled_notices

    access.require_region_manager(actor, region)
    if frequency not in NoticeSchedule.Frequency.values:
        raise ValidationError({"frequency": _("频率无效")})
    if not 1 <= int(day) <= 28:
        raise ValidationError({"day": _("生成日须在1到28之间")})
    schedule, _created = NoticeSchedule.objects.update_or_create(
        region=region,
        defaults={"frequency": frequency, "day": int(day), "active": active, "created_by": actor},
    )
    if active:
        tx.on_commit(lambda: draft_scheduled_notices.enqueue(schedule.pk))
    return schedule


@transaction.atomic
def notice_template_set(
    *,
    actor,
    region,
    issuing_body: str,
    addressees: str,
    requirements: str,
    ranking_size: int = 5,
) -> NoticeTemplate:
    """Saves what every notice of the region reuses: issuing body, addressees, requirements, and
    how many names each ranking lists."""
    access.require_region_manager(actor, region)
    if not 1 <= ranking_size <= 20:
        raise ValidationError({"ranking_size": _("排名列出个数须为1至20")})
    template, _created = NoticeTemplate.objects.update_or_create(
        region=region,
        defaults={
            "issuing_body": issuing_body,
            "addressees": addressees,
            "requirements": requirements,
            "ranking_size": ranking_size,
        },
    )
    return template
