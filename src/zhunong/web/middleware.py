import gc
import threading

from django.conf import settings
from django.utils import translation


class PauseCollectorMiddleware:
    """Python's cyclic garbage collector is paused while a request runs and resumes when the last
    running request ends.

    A supervision page of a province holds some 500,000 objects while it works (a row per unit
    and its figures); each of the collector's passes walks them all again, and a province's
    progress page spent 0.4 of its 1.0 s in them (docs/decisions/0029). What a request made is
    freed by reference counting as it ends; the few cycles it leaves (a workbook's cells and
    sheets) are collected after it, at the collector's usual pace. Requests served side by side
    (threads) share the pause: the collector resumes when none runs, and stays off if something
    else had turned it off before."""

    _lock = threading.Lock()
    _running = 0
    _resume = True

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cls = type(self)
        with cls._lock:
            if cls._running == 0:
                cls._resume = gc.isenabled()
                gc.disable()
            cls._running += 1
        try:
            return self.get_response(request)
        finally:
            with cls._lock:
                cls._running -= 1
                if cls._running == 0 and cls._resume:
                    gc.enable()


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user picked another language with the switch (the cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office
    browsers in China are set to English; the UI is Chinese first (docs/decisions)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ApiErrorsAsJsonMiddleware:
    """Under /api/ every error is the API's JSON ({"message", "errors"}), whatever produced it: the
    API's own handlers already answer so; this catches the rest (a wrong method's 405 from the
    router, a 413 from the upload limits), so a client never parses text or HTML."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return self.as_json(request, response)
        return response

    @staticmethod
    def as_json(request, response):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        if response.status_code == 405:
            message = _("该接口不支持 %(method)s 请求") % {"method": request.method}
        else:
            message = _("请求未能处理（%(status)s）") % {"status": response.status_code}
        found = JsonResponse({"message": message, "errors": {}}, status=response.status_code)
        if "Allow" in response:
            found["Allow"] = response["Allow"]
        return found


class RefuseUnstorableTextMiddleware:
    """A NUL character in the address, the query or a form is refused with 400 before any view
    runs: PostgreSQL cannot compare or store it, so a lookup such as /regions/%00/ would end in a
    server error there (and in nothing useful anywhere). API bodies are checked by their schema
    (zhunong.inputs.Input)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.unstorable(request):
            from django.core.exceptions import SuspiciousOperation

            from zhunong.web.errors import bad_request

            return bad_request(request, SuspiciousOperation("NUL in request"))
        return self.get_response(request)

    @staticmethod
    def unstorable(request) -> bool:
        texts = [request.path, *request.GET.keys(), *request.GET.values()]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            texts += [*request.POST.keys(), *request.POST.values()]
        return any("\x00" in text for text in texts)
