"""The admin speaks Thai: every admin page the system administrator uses — the index, each app's
page, every registered model's list, add page, the change, history and delete pages of a real demo
object, and the admin's own extra pages — shows no English word outside a short allow-list.

What is scanned is what a person reads: the text of the page (not scripts or styles), the labels of
buttons, and the title, placeholder and aria-label attributes. What the data says is not the
admin's wording: the values of the objects the page shows (user names, e-mail addresses, slugs, the
Latin names of provinces, file names, JSON keys of an audit record …) are taken out first, by
value, before the words are counted."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import Count, Max
from django.urls import URLPattern, reverse

from tests.factories import ADMIN, build_plan, login, make_body, user

# The only Latin words an admin page may show, and why each is there.
ALLOWED = {
    "ITA", "IIT", "EIT", "OIT",  # the assessment and its tools, as the NACC names them
    "DLA",  # กรมส่งเสริมการปกครองท้องถิ่น's code of a body, as the register prints it
    "PDF", "CSV", "XLSX", "JSON", "PNG", "JPEG",  # file kinds the operator uploads or downloads
    "ITAS",  # the NACC's system the bodies paste their links into
    "URL",  # "URL" is how Thai officials name a web address in forms
    "SHA",  # SHA-256 of a published file (with "256")
    "ID",  # Django's "ID" column of records without a name
    "LINE",  # the messaging app, as Thai officials write its name (notifications by LINE, issue 28)
}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
SKIP_TAGS = {"script", "style", "textarea", "template"}
ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
STANDARD_VIEWS = ("_changelist", "_add", "_change", "_delete", "_history", "_autocomplete")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self._skip += 1
        attrs = dict(attrs)
        for name in ATTRIBUTES & attrs.keys():
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def _leaves(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield str(value)


_MODEL_VALUES = {}  # (model, rows, count, last pk): its values, so ~190 pages read only what changed
# What signing in and opening a page write, in rows whose ids come back after each test's rollback
# with other contents (a time, an address): always read again.
WRITTEN_BY_A_VISIT = {"axes.accesslog", "axes.accessattempt", "axes.accessfailurelog", "assessments.auditevent"}


def _model_values(model, rows) -> set[str]:
    """The values of a model's first rows, read again when its rows were added or removed (or
    always, for the rows a visit writes)."""
    seen = model._default_manager.aggregate(count=Count("pk"), last=Max("pk"))
    key = (model._meta.label, rows, seen["count"], seen["last"])
    if key not in _MODEL_VALUES or model._meta.label_lower in WRITTEN_BY_A_VISIT:
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.FileField | models.JSONField)]
        values = set()
        for obj in model._default_manager.all()[:rows]:
            values.add(str(obj))
            for field in fields:
                value = getattr(obj, field.attname)
                if isinstance(field, models.JSONField):
                    values.update(_leaves(value))
                    values.add(json.dumps(value, ensure_ascii=False))
                elif value:
                    values.add(str(value))
        _MODEL_VALUES[key] = values
    return _MODEL_VALUES[key]


def data_values(rows=200) -> list[str]:
    """Every value the admin could show of the demo data: text fields, file names, JSON leaves and
    each object's own name, longest first (so a value is taken out whole before its parts)."""
    values = set()
    for model in admin.site._registry:
        values |= _model_values(model, rows)
    # The permissions the user and group pages list are rows Django wrote at migrate time, in English.
    values.update(str(permission) for permission in Permission.objects.select_related("content_type"))
    values.update(hasher.split(".")[-1].removesuffix("PasswordHasher").lower() for hasher in settings.PASSWORD_HASHERS)
    return sorted((v for v in values if LATIN_WORD.search(v)), key=len, reverse=True)


def english_words(html: str, values: list[str]) -> set[str]:
    text = visible_text(html)
    for value in values:
        if value in text:  # a value is taken out only whole, never from inside a word
            text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    text = re.sub(r"\S+@\S+", " ", text)  # any e-mail address left (typed in a form's help, say)
    text = re.sub(r"\S*\*{4,}\S*", " ", text)  # a password hash as the user page masks it
    text = text.replace("ITA Portal", " ")  # the portal's name in its own header (the password page)
    return {word for word in LATIN_WORD.findall(text) if word not in ALLOWED}


def admin_pages():
    """(id, model or None, view) of every page of the admin the operator uses, from the registry (the
    object of a change, history or delete page is the model's first demo row, found in the test)."""
    pages = [("index", None, "index"), ("password_change", None, "password_change")]
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        pages.append((f"{app_label}:app", app_label, "app_list"))
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        for view in ("changelist", "add", "change", "history", "delete"):
            pages.append((f"{model._meta.label}:{view}", model, view))
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and pattern.name and not pattern.name.endswith(STANDARD_VIEWS):
                pages.append((f"{model._meta.label}:{pattern.name}", model, pattern))
    return pages


def page_path(model, view):
    if model is None:
        return reverse(f"admin:{view}")
    if view == "app_list":
        return reverse("admin:app_list", args=[model])
    if isinstance(view, URLPattern):
        needs_object = bool(view.pattern.converters)
        name, view = f"admin:{view.name}", None
    else:
        needs_object = view in ("change", "history", "delete")
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    if not needs_object:
        return reverse(name)
    first = model._default_manager.order_by("pk").first()
    if first is None:
        pytest.skip(f"the demo has no {model._meta.label}")
    return reverse(name, args=[first.pk])


PAGES = admin_pages()


def test_the_admin_is_titled_as_the_portal(client, db):
    login(client, ADMIN)
    html = client.get("/admin/").content.decode()
    assert "<title>งานของผู้ดูแลระบบ | ผู้ดูแลระบบรายงานผลการประเมิน ITA</title>" in html
    assert "ระบบรายงานผลการประเมิน ITA ขององค์กรปกครองส่วนท้องถิ่น" in visible_text(html)
    assert "Django" not in html.split("<body")[1].split('id="content"')[0]


def test_it_finds_english_words_where_there_are_some():
    assert english_words('<p>Select user to change</p><input type="submit" value="Save">'
                         '<script>var english = true;</script><a title="History">ก</a>', []) == {
        "Select", "user", "to", "change", "Save", "History"}
    assert english_words("<td>angthong_editor</td><td>ITA</td>", ["angthong_editor"]) == set()


@pytest.mark.parametrize("model,view", [(model, view) for _id, model, view in PAGES],
                         ids=[page_id for page_id, *_rest in PAGES])
def test_every_admin_page_speaks_thai(client, db, model, view):
    login(client, ADMIN)
    path = page_path(model, view)
    response = client.get(path)
    values = data_values()  # after the page: what it shows includes what signing in and opening it wrote
    if response.get("Content-Type", "").split(";")[0] != "text/html":
        return  # a download (the register as XLSX), not a page
    if response.status_code == 403:
        return  # a page the admin does not offer (adding a record only the services write)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    words = english_words(response.content.decode(), values)
    assert not words, f"{path} shows English: {sorted(words)}"


def test_the_records_the_demo_has_none_of_speak_thai_too(client, db):
    """A comment, a piece of evidence, a province's re-rendering job, a person's notification settings,
    a body followed and a LINE account linked: the demo has none, so the
    scan above skips their pages; made here through the services, each page is scanned too."""
    from assessments.models import Province
    from measures import services as measure_services
    from notifications import services as notification_services
    from notifications.models import Follow, LineLink
    from reports import services as report_services

    admin_user = login(client, ADMIN)
    plan = build_plan(make_body("admin-thai"), 2569)
    records = [
        measure_services.comment_add(plan=plan, actor=admin_user, text="โปรดแนบหลักฐานการประชุม"),
        measure_services.evidence_add(progress_round=plan.rounds.get(months=6), measure=plan.measures.first(),
                                      actor=user(ADMIN), url="https://www.example.go.th/meeting"),
        report_services.republish_request(province=Province.objects.get(name="อ่างทอง"), actor=admin_user),
        notification_services.preference_save(user=admin_user, email_enabled=False, off_kinds=[], email_off_kinds=[]),
    ]
    notification_services.follow_set(user=admin_user, org=plan.org, follow=True)
    records.append(Follow.objects.get(user=admin_user, org=plan.org))
    records.append(LineLink.objects.create(user=admin_user, line_user_id="U" + "0" * 32))
    for record in records:
        opts = record._meta
        for view, args in (("changelist", []), ("change", [record.pk]), ("history", [record.pk])):
            path = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
            response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            words = english_words(response.content.decode(), data_values())
            assert not words, f"{path} shows English: {sorted(words)}"
    # A measure's history (django-simple-history's page): its words are also keys of the data that
    # the scan takes out ("entries"), so they are looked for here by name.
    history = visible_text(client.get(reverse("admin:measures_measure_history",
                                              args=[plan.measures.first().pk])).content.decode())
    assert re.search(r"\b\d+ รายการ", history), history
    assert not {"None", "entry", "entries"} & set(LATIN_WORD.findall(history))


def test_a_browser_that_asks_for_english_still_gets_the_thai_admin_and_pages(client, db):
    """Many officials' browsers are set to English: the admin's and Django's own words stay Thai."""
    login(client, ADMIN)
    index = visible_text(client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode())
    assert "เพิ่ม" in index and not {"Add", "Change", "Welcome"} & set(LATIN_WORD.findall(index))
    signed_out = client.__class__()
    page = signed_out.post(reverse("login"), {"username": "nobody", "password": "x"},
                           HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page and "This field" not in page


def test_the_admins_javascript_speaks_thai_too(client, db):
    """The selection counter, calendar and chooser words come from the admin's JavaScript catalogue,
    whose Django Thai is partly English ("0 จาก 5 selected"); locale/th/LC_MESSAGES/djangojs.po fills it."""
    login(client, ADMIN)
    script = client.get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.dumps(json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1)),
                           ensure_ascii=False)
    assert "เลือกแล้ว %(sel)s จาก %(cnt)s รายการ" in catalogue and "จาก %(cnt)s selected" not in catalogue
    assert "วันพฤหัสบดี" in catalogue and "เลือก%sทั้งหมด" in catalogue
