"""The HTTP API under /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs. Session (with CSRF) or bearer-token authentication; every route is scoped through
`zhunong.access`, and every error is JSON: {"message": ..., "errors": {field: message}}."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from zhunong.people.models import ApiToken, hash_token

logger = logging.getLogger("django.request")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="zhunong API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    description="助农：单位、账号与区划。所有结果按当前用户的权限范围过滤。",
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request, exc):
    errors = {_field_name(e.get("loc", ())): e.get("msg", "") for e in exc.errors}
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
    return api.create_response(request, {"message": str(exc), "errors": {}}, status=exc.status_code)


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
