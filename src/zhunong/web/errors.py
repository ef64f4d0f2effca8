"""The error pages people see: branded, in Chinese, with a way back; JSON for the API.

DEBUG is never on where users are (`make run` included), so these replace Django's technical pages.
An error under /api/ answers the API's documented JSON ({"message", "errors"}) whatever raised it,
so a client never has to parse HTML.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

NOT_FOUND = "没有找到，或无权查看。"


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(message: str, status: int) -> JsonResponse:
    return JsonResponse({"message": message, "errors": {}}, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return _json(_("请求无效"), 400)
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    if _is_api(request):
        return _json(message or _("无权操作"), 403)
    return render(request, "403.html", {"exception": message}, status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(_(NOT_FOUND), 404)
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without the request's context: what failed may be the database that the menus
    and the user's reach would read."""
    if _is_api(request):
        return _json(_("服务器内部错误，请稍后重试；问题已记录。"), 500)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request, reason=""):
    """A form sent without its security token, most often from a page left open past the
    session's end."""
    if _is_api(request):
        return _json(_("请求缺少安全令牌（CSRF），请刷新页面后重试。"), 403)
    return render(request, "403_csrf.html", status=403)
