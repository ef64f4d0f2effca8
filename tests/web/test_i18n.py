"""Simplified Chinese first; English through Django's i18n (a compiled catalogue in the package)."""

import polib
import pytest
from django.conf import settings


def test_chinese_is_the_default(db, client):
    html = client.get("/login/").content.decode()
    assert 'lang="zh-hans"' in html and "登录助农平台" in html


def test_chinese_stays_first_whatever_the_browser_asks(db, client):
    html = client.get("/login/", headers={"accept-language": "en-US,en"}).content.decode()
    assert "登录助农平台" in html


def test_english_is_chosen_with_the_language_switch(world, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in to Zhunong" in client.get("/login/").content.decode()
    client.force_login(world.js_finance)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    assert response.status_code == 302
    html = client.get("/units/").content.decode()
    assert "Audit log" in html and "金水区第一小学" in html  # names stay as they are


@pytest.mark.parametrize("locale", ["en"])
def test_every_ui_string_has_a_translation(locale):
    catalogue = polib.pofile(str(settings.LOCALE_PATHS[0] / locale / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []
    compiled = polib.mofile(str(settings.LOCALE_PATHS[0] / locale / "LC_MESSAGES" / "django.mo"))
    in_po = {e.msgid: e.msgstr for e in catalogue if not e.obsolete and not e.msgid_plural}
    in_mo = {e.msgid: e.msgstr for e in compiled if not e.msgid_plural}
    assert {k: v for k, v in in_po.items() if k} == {k: v for k, v in in_mo.items() if k}, (
        "django.mo is out of date: run `make messages`"
    )


def _english_words(html: str) -> set[str]:
    """The English words in a page's text (not its markup or scripts)."""
    import re

    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\S*\*{4,}\S*", " ", text)  # a masked password hash
    return set(re.findall(r"[A-Za-z]{3,}", text))


def test_the_admin_speaks_chinese_on_every_list_and_form(db, django_user_model, client):
    """Every page of /admin/ — its index, each registered model's list and add form — in Chinese,
    libraries' pages included (django-axes and django-tasks-db ship no Chinese)."""
    from django.contrib import admin

    root = django_user_model.objects.create_superuser("root", "root@example.cn", "x-12345678")
    client.force_login(root)
    pages = ["/admin/", f"/admin/people/user/{root.pk}/change/"]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        pages.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        if model_admin.has_add_permission(type("R", (), {"user": root})()):
            pages.append(f"/admin/{meta.app_label}/{meta.model_name}/add/")
    # the user's name and terms that stay English in Chinese use
    allowed = {"root", "API", "LDAP", "lsaquo", "unknown", "example"}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _english_words(response.content.decode()) <= allowed, url


def test_the_language_menu_names_each_language_in_its_own_words(world, client_for):
    """A reader of English looks for "English", not for 英语; the menu reads the same in both."""
    client = client_for(world.js_finance)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        html = client.get("/").content.decode()
        menu = html.split('name="language"')[1].split("</select>")[0]
        assert ">English</option>" in menu and ">简体中文</option>" in menu, (language, menu)
        assert "英语" not in menu


def test_the_rows_of_a_city_table_are_named_in_english(world, client_for):
    """A city's rows are its counties and districts (县市区 in Chinese): the English page says so
    in English, in the table's head."""
    client = client_for(world.city_finance)
    client.cookies["django_language"] = "en"
    html = client.get(
        "/supervision/time-progress/", {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    ).content.decode()
    assert "County/district" in html
    assert "县市区" not in html
