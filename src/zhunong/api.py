"""The HTTP API under /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs. Session (with CSRF) or bearer-token authentication; every route is scoped through
`zhunong.access`, and every error is JSON: {"message": ..., "errors": {field: message}}."""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from zhunong import leansql
from zhunong.people.models import ApiToken, hash_token

logger = logging.getLogger("django.request")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = _token_user(hash_token(token))
        if found is None or not found[2].is_active:
            return None
        pk, last_used_at, user = found
        now = timezone.now()
        # "last used" to the minute is enough for an administrator, and saves a write per request
        if last_used_at is None or now - last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=pk).update(last_used_at=now)
        request.user = user
        return user


def _token_user(key_hash: str):
    """(token id, last used, its user) in one statement of plain SQL: every API request asks it,
    and the ORM's select_related cost several times the query (ADR 0025)."""
    user_model = ApiToken._meta.get_field("user").related_model
    rows = leansql.execute(
        f"SELECT t.id, t.last_used_at, {leansql.columns(user_model, 'u')} "  # noqa: S608
        f"FROM {ApiToken._meta.db_table} t JOIN {user_model._meta.db_table} u "
        "ON u.id = t.user_id WHERE t.key_hash = %s",
        [key_hash],
    )
    if not rows:
        return None
    last_used = leansql.build(ApiToken, rows[0][:2], ("id", "last_used_at")).last_used_at
    return rows[0][0], last_used, leansql.build(user_model, rows[0][2:])


ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "出了什么问题（中文）"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "字段名 → 该字段的问题；没有具体字段时为空",
        },
    },
    "required": ["message", "errors"],
}
ERRORS = {
    "400": "请求体无法解析，或数据未通过校验（errors 指明字段）",
    "401": "未登录且没有有效令牌",
    "403": "对象在权限范围内，但当前身份不能进行此操作",
    "404": "没有找到，或不在权限范围内（两者不可区分）",
    "409": "订单当前状态或身份不允许此操作（message 说明原因），未做任何改动",
    "422": "参数或请求体不符合接口定义（errors 指明参数）",
    "500": "服务器内部错误（已记录）",
}


class ZhunongAPI(NinjaAPI):
    """The API, with its errors in the schema: every operation may answer the error JSON with the
    codes above, so clients (and the fuzzer in the suite) know the whole contract, not only 200."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                # status codes as text: a route declaring 422 itself (an int key) beside the
                # "422" added here would be a duplicate key in the JSON, which Swagger UI refuses
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for code, description in ERRORS.items():
                    responses.setdefault(code, {"description": description, "content": error})
        return schema


api = ZhunongAPI(
    title="zhunong API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    description="助农：单位、账号与区划。所有结果按当前用户的权限范围过滤。",
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


# pydantic's messages for the usual mistakes, in Chinese; our own types (zhunong.inputs) already
# speak Chinese, and anything rarer keeps pydantic's English.
_MESSAGES = {
    "missing": N_("必填"),
    "int_parsing": N_("应为整数"),
    "int_type": N_("应为整数"),
    "int_from_float": N_("应为整数"),
    "decimal_parsing": N_("应为数字"),
    "date_parsing": N_("应为日期，如 2026-03-01"),
    "date_from_datetime_parsing": N_("应为日期，如 2026-03-01"),
    "date_type": N_("应为日期，如 2026-03-01"),
    "bool_parsing": N_("应为 true 或 false"),
    "string_type": N_("应为文字"),
    "string_too_short": N_("不能为空"),
    "string_too_long": N_("最多 {max_length} 个字"),
    "greater_than_equal": N_("不能小于 {ge}"),
    "less_than_equal": N_("不能大于 {le}"),
    "enum": N_("取值无效，可选：{expected}"),
    "json_invalid": N_("不是有效的 JSON"),
    "model_attributes_type": N_("应为 JSON 对象"),
    "dict_type": N_("应为 JSON 对象"),
}


def _message(error: dict) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return error.get("msg", "")
    try:
        return _(template).format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return _(template)


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request, exc):
    errors = {_field_name(e.get("loc", ())): _message(e) for e in exc.errors}
    return api.create_response(
        request, {"message": _("请求数据有误"), "errors": errors}, status=422
    )


@api.exception_handler(DjangoValidationError)
def on_invalid_data(request, exc):
    if hasattr(exc, "error_dict"):
        errors = {k: "；".join(v) for k, v in exc.message_dict.items()}
    else:
        errors = {"request": "；".join(exc.messages)}
    return api.create_response(
        request, {"message": _("数据未通过校验"), "errors": errors}, status=400
    )


def on_step_refused(request, exc):
    """A step the order's state or the actor's side does not allow (market.lifecycle)."""
    return api.create_response(
        request, {"message": "；".join(exc.messages), "errors": {}}, status=409
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(
        request, {"message": str(exc) or _("无权操作"), "errors": {}}, status=403
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(
        request, {"message": _("没有找到，或无权查看。"), "errors": {}}, status=404
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request, {"message": _("请先登录或提供令牌"), "errors": {}}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("请求体无法解析，应为 JSON")
    return api.create_response(request, {"message": message, "errors": {}}, status=exc.status_code)


@api.exception_handler(Exception)
def on_server_error(request, exc):
    """Anything unforeseen: logged with its traceback as Django logs a page's, answered in the
    API's JSON (never an HTML page) without details that could leak."""
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
    )
    return api.create_response(
        request,
        {"message": _("服务器内部错误，请稍后重试；问题已记录。"), "errors": {}},
        status=500,
    )


def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer JSON too, like every other API error."""
    return JsonResponse({"message": _("没有这个接口"), "errors": {}}, status=404)


from zhunong.market.api import router as market_router  # noqa: E402
from zhunong.market.lifecycle import StepRefused  # noqa: E402
from zhunong.market.order_api import router as market_orders_router  # noqa: E402
from zhunong.orgs.api import router as orgs_router  # noqa: E402
from zhunong.people.api import router as people_router  # noqa: E402
from zhunong.regions.api import router as regions_router  # noqa: E402
from zhunong.reservations.api import router as reservations_router  # noqa: E402
from zhunong.supervision.api import router as supervision_router  # noqa: E402

api.add_router("/", people_router)
api.add_router("/regions", regions_router)
api.add_router("/", orgs_router)
api.add_router("/supervision", supervision_router)
api.add_router("/", reservations_router)
api.add_router("/market", market_router)
api.add_router("/market", market_orders_router)
api.add_exception_handler(StepRefused, on_step_refused)
