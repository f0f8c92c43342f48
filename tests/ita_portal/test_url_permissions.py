"""Every URL of the portal, for every persona. A new URL without a row here fails."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from library.models import LibraryEntry
from measures import services as measure_services
from measures.models import MeasurePlan
from tests.factories import ADMIN, ANGTHONG, APPROVER, EDITOR, KALASIN_SUPERVISOR, OTHER_EDITOR, SUPERVISOR, login, user

PERSONAS = ["anonymous", "editor_a", "editor_b", "approver_a", "supervisor_a", "supervisor_elsewhere", "admin"]
USERS = {
    "editor_a": EDITOR, "editor_b": OTHER_EDITOR, "approver_a": APPROVER,
    "supervisor_a": SUPERVISOR, "supervisor_elsewhere": KALASIN_SUPERVISOR, "admin": ADMIN,
}
LOGIN = "login"  # redirect to the sign-in page
# Staff pages and downloads, and the pages a personal link opens: every answer is Cache-Control: no-store.
STAFF_PREFIXES = ("/app/", "/admin/", "/accounts/", "/invite/", "/unsubscribe/", "/line/")
PLAN = f"/app/orgs/{ANGTHONG}/2569"
READ = [LOGIN, 200, 404, 200, 200, 404, 200]  # the body's people, its supervisor and the admin may read
EDIT_PAGE = [LOGIN, 200, 404, 403, 403, 404, 403]  # only the body's editor
EDIT_POST = [LOGIN, 302, 404, 403, 403, 404, 403]
PEOPLE = f"/app/orgs/{ANGTHONG}/people"
PEOPLE_APPROVERS = [LOGIN, 403, 404, 302, 302, 404, 302]  # an approver's role: the area's supervisor too
PEOPLE_EDITORS = [LOGIN, 403, 404, 302, 403, 404, 302]  # an editor's role: not the supervisor
ADMIN_PAGE = [LOGIN, 403, 403, 403, 403, 403, 200]
ADMIN_POST = [LOGIN, 403, 403, 403, 403, 403, 302]

# url name -> (method, example path, POST data, expected status per persona in PERSONAS order)
MATRIX = {
    "home": ("get", "/", None, [200] * 7),
    "healthz": ("get", "/healthz", None, [200] * 7),
    "favicon": ("get", "/favicon.ico", None, [200] * 7),
    "org-detail": ("get", f"/orgs/{ANGTHONG}/", None, [200] * 7),
    "org-year": ("get", f"/orgs/{ANGTHONG}/2568/", None, [200] * 7),
    "app-home": ("get", "/app/", None, [LOGIN, 200, 200, 200, 200, 200, 200]),
    "scores-import": ("get", "/app/scores/import/", None, [LOGIN, 200, 200, 403, 403, 403, 200]),
    "scores-export": ("get", f"/app/scores/export/?org={ANGTHONG}&format=csv", None,
                      [LOGIN, 200, 404, 200, 404, 404, 200]),
    # One published figure at a time: whoever may import the body's scores (its editors, the admin).
    "scores-edit-start": ("get", f"/app/scores/edit/?org={ANGTHONG}", None, [LOGIN, 302, 404, 403, 403, 403, 302]),
    "scores-edit": ("get", f"/app/orgs/{ANGTHONG}/scores/2568/", None, [LOGIN, 200, 404, 403, 403, 404, 200]),
    "score-remove": ("post", f"/app/orgs/{ANGTHONG}/scores/2568/remove/", {"scope": "overall", "part": "0"},
                     [LOGIN, 302, 404, 403, 403, 404, 302]),
    "dashboard": ("get", "/app/dashboard/", None, [LOGIN, 403, 403, 200, 200, 200, 200]),
    "plan-detail": ("get", f"{PLAN}/plan/", None, READ),
    "plan-create": ("post", f"/app/orgs/{ANGTHONG}/2570/plan/create/", {}, EDIT_POST),
    "plan-duplicate": ("post", f"{PLAN}/plan/duplicate/", {}, EDIT_POST),
    "plan-analysis": ("get", f"{PLAN}/plan/analysis/", None, READ),
    # Decisions on lateness: the body's executive or the area's supervisor, never the clerk.
    "plan-recorded-after": ("post", f"{PLAN}/plan/recorded-after/", {"recorded_after": ""},
                            [LOGIN, 403, 404, 302, 302, 404, 302]),
    "plan-transition": ("post", f"{PLAN}/plan/transition/", {"action": "submit"}, EDIT_POST),
    # Source facts of a record after the fact: only its editors; a plan not recorded after the fact has none.
    "plan-record-source": ("get", f"{PLAN}/plan/source/", None, [LOGIN, 404, 404, 403, 403, 404, 403]),
    "round-record-source": ("get", f"{PLAN}/rounds/6/source/", None, [LOGIN, 404, 404, 403, 403, 404, 403]),
    "round-carry": ("post", f"{PLAN}/rounds/12/carry/", {}, EDIT_POST),
    # Importing from a Word file or a paste (issue 24): the body's editors only; a preview POST without
    # its signed payload goes back to the upload page.
    "import-plan": ("get", f"{PLAN}/plan/import/", None, EDIT_PAGE),
    "import-plan-preview": ("post", f"{PLAN}/plan/import/preview/", {}, EDIT_POST),
    "import-round": ("get", f"{PLAN}/rounds/6/import/", None, EDIT_PAGE),
    "import-round-preview": ("post", f"{PLAN}/rounds/6/import/preview/", {}, EDIT_POST),
    "comment-add": ("post", f"{PLAN}/comments/", {"text": "โปรดเร่งรัด"}, [LOGIN, 403, 404, 302, 302, 404, 403]),
    "measure-create": ("get", f"{PLAN}/measures/new/", None, EDIT_PAGE),
    "measure-edit": ("get", f"{PLAN}/measures/{{measure}}/", None, EDIT_PAGE),
    "measure-delete": ("get", f"{PLAN}/measures/{{measure}}/delete/", None, EDIT_PAGE),
    "measure-move": ("post", f"{PLAN}/measures/{{measure}}/move/", {"direction": "down"}, EDIT_POST),
    "measure-history": ("get", f"{PLAN}/measures/{{measure}}/history/", None, READ),
    "round-detail": ("get", f"{PLAN}/rounds/6/", None, READ),
    "round-due": ("post", f"{PLAN}/rounds/6/due/", {"due_date": "2026-05-15"}, [LOGIN, 403, 404, 302, 302, 404, 302]),
    "round-transition": ("post", f"{PLAN}/rounds/6/transition/", {"action": "submit"}, EDIT_POST),
    "entry-edit": ("get", f"{PLAN}/rounds/6/measures/{{measure}}/", None, READ),
    "evidence-download": ("get", "/app/evidence/{evidence}/", None, READ),
    "evidence-delete": ("post", "/app/evidence/{evidence}/delete/", {}, EDIT_POST),
    "public-pdf": ("get", "/orgs/abt-bo-kaeo/2568/measures.pdf", None, [200] * 7),
    "public-pdf-version": ("get", "/orgs/abt-bo-kaeo/2568/measures/v1.pdf", None, [200] * 7),
    "open-data-json": ("get", "/data/orgs/abt-bo-kaeo/2568.json", None, [200] * 7),
    "open-data-csv": ("get", "/data/orgs/abt-bo-kaeo/2568.csv", None, [200] * 7),
    "open-data-scores-csv": ("get", "/data/orgs/abt-dong-khwang/2568-scores.csv", None, [200] * 7),
    "report-preview-pdf": ("get", f"{PLAN}/reports/results-6m.pdf", None, READ),
    # A preview render's state, for its progress page: the same people as the preview itself.
    "report-preview-status": ("get", f"{PLAN}/reports/results-6m/preview/{{preview_key}}/", None, READ),
    "report-docx": ("get", f"{PLAN}/reports/measures.docx", None, READ),
    "report-settings": ("get", f"/app/orgs/{ANGTHONG}/reports/settings/", None, EDIT_PAGE),
    "verify": ("get", "/verify/", None, [200] * 7),
    # The measure library: public search; copying into a plan is for any body's editor (their own plans).
    "measure-library": ("get", "/measures/?q=จัดซื้อ", None, [200] * 7),
    "library-copy": ("get", "/app/library/{library_entry}/copy/", None, [LOGIN, 200, 200, 403, 403, 403, 403]),
    "overview-national": ("get", "/overview/2568/", None, [200] * 7),
    "overview-province": ("get", "/provinces/ATG/2568/", None, [200] * 7),
    "open-data-year-json": ("get", "/data/2568.json", None, [200] * 7),
    "open-data-year-csv": ("get", "/data/2568.csv", None, [200] * 7),
    "open-data-year-scores-csv": ("get", "/data/2568-scores.csv", None, [200] * 7),
    # Everyone's own signature: the bodies' people only (supervisors and the admin sign nothing).
    "signature": ("get", "/app/signature/", None, [LOGIN, 200, 200, 200, 403, 403, 403]),
    "republish": ("post", "/app/republish/", {"province": "{province}"}, [LOGIN, 403, 403, 403, 302, 403, 302]),
    "republish-job": ("get", "/app/republish/{job}/", None, [LOGIN, 403, 403, 403, 200, 403, 200]),
    # People (people/urls.py): the body's approver and the admin manage everyone; the area's
    # supervisor the approvers only; the body's editor sees the body but not its people page.
    "people-org": ("get", f"{PEOPLE}/", None, [LOGIN, 403, 404, 200, 200, 404, 200]),
    "people-invite": ("post", f"{PEOPLE}/invite/", {"email": "new.person@example.go.th", "role": "approver",
                                                   "position": "รองปลัด"}, PEOPLE_APPROVERS),
    "people-role": ("post", f"{PEOPLE}/{{editor_membership}}/role/", {"role": "approver"}, PEOPLE_EDITORS),
    "people-remove": ("post", f"{PEOPLE}/{{editor_membership}}/remove/", {}, PEOPLE_EDITORS),
    # A lost second factor (signin/views.py): the body's approver, its area's supervisor, the admin.
    "people-otp-reset": ("post", f"{PEOPLE}/{{editor_membership}}/second-factor/reset/", {}, PEOPLE_APPROVERS),
    "people-handover": ("post", f"{PEOPLE}/{{approver_membership}}/handover/", {"successor": "{editor_user}"},
                        PEOPLE_APPROVERS),
    "invitation-resend": ("post", f"{PEOPLE}/invitations/{{invitation}}/resend/", {}, PEOPLE_APPROVERS),
    "invitation-cancel": ("post", f"{PEOPLE}/invitations/{{invitation}}/cancel/", {}, PEOPLE_APPROVERS),
    "area-people": ("get", "/app/area/people/", None, [LOGIN, 403, 403, 403, 200, 200, 200]),
    # The people file on the web: supervisors (their area's approvers) and the admin (every body).
    "people-import": ("get", "/app/people/import/", None, [LOGIN, 403, 403, 403, 200, 200, 200]),
    "supervisors": ("get", "/app/supervisors/", None, ADMIN_PAGE),
    "supervisor-remove": ("post", "/app/supervisors/{scope}/remove/", {}, ADMIN_POST),
    "supervisor-invitation-resend": ("post", "/app/supervisors/invitations/{supervisor_invitation}/resend/", {},
                                     ADMIN_POST),
    "supervisor-invitation-cancel": ("post", "/app/supervisors/invitations/{supervisor_invitation}/cancel/", {},
                                     ADMIN_POST),
    "profile": ("get", "/app/profile/", None, [LOGIN, 200, 200, 200, 200, 200, 200]),
    # The link that confirms one's new address: only with a real token (tests/people/test_profile_view.py).
    "email-confirm": ("get", "/app/profile/email/not-a-real-token/", None, [LOGIN, 404, 404, 404, 404, 404, 404]),
    "invitation-accept": ("get", "/invite/not-a-real-token/", None, [404] * 7),
    # One's own second factor (signin/otp.py; OTP_REQUIRED is off here and nobody has an app, so the code
    # step, the recovery codes and turning it off send everyone on; tests/signin/test_otp*.py cover the rest).
    "otp-verify": ("get", "/accounts/otp/", None, [LOGIN, 302, 302, 302, 302, 302, 302]),
    "otp-settings": ("get", "/app/security/", None, [LOGIN, 200, 200, 200, 200, 200, 200]),
    "otp-setup": ("get", "/app/security/setup/", None, [LOGIN, 200, 200, 200, 200, 200, 200]),
    "otp-recovery-codes": ("get", "/app/security/recovery-codes/", None, [LOGIN, 302, 302, 302, 302, 302, 302]),
    "otp-disable": ("get", "/app/security/disable/", None, [LOGIN, 302, 302, 302, 302, 302, 302]),
    # Passkeys (signin/passkeys.py, django-otp-webauthn's JSON views): anyone signed in; a ceremony's
    # second half without its first is refused (400); without a session 403 (no passwordless sign-in).
    "passkey-register-begin": ("post", "/accounts/passkeys/registration/begin/", {}, [403] + [200] * 6),
    "passkey-register-complete": ("post", "/accounts/passkeys/registration/complete/", {}, [403] + [400] * 6),
    "passkey-auth-begin": ("post", "/accounts/passkeys/authentication/begin/", {}, [403] + [200] * 6),
    "passkey-auth-complete": ("post", "/accounts/passkeys/authentication/complete/", {}, [403] + [400] * 6),
    "passkey-js-catalog": ("get", "/accounts/passkeys/jsi18n/", None, [200] * 7),
    # A body's OIT year (oit/urls.py): read like a plan; saving and submitting for its editor, the
    # approver decides and publishes; the public page, its data and published files are public.
    "oit-year": ("get", f"{PLAN}/ita/", None, READ),
    "oit-item": ("get", f"{PLAN}/ita/o1/", None, READ),
    "oit-item-transition": ("post", f"{PLAN}/ita/o1/transition/", {"action": "submit"}, EDIT_POST),
    "oit-transition": ("post", f"{PLAN}/ita/transition/", {"action": "approve"}, [LOGIN, 403, 404, 302, 403, 404, 403]),
    "oit-carry": ("post", f"{PLAN}/ita/carry/", {"codes": "o1"}, EDIT_POST),
    "oit-public": ("get", f"/orgs/{ANGTHONG}/2569/ita/", None, [200] * 7),
    "oit-file": ("get", f"/orgs/{ANGTHONG}/2569/ita/o8.pdf", None, [404] * 7),  # nothing published yet
    "oit-file-version": ("get", f"/orgs/{ANGTHONG}/2569/ita/o8/v1.pdf", None, [404] * 7),
    "oit-data-json": ("get", f"/data/orgs/{ANGTHONG}/2569/ita.json", None, [200] * 7),
    "oit-data-csv": ("get", f"/data/orgs/{ANGTHONG}/2569/ita.csv", None, [200] * 7),
    # Notifications (notifications/urls.py): everyone's own; opening someone else's does not exist for them.
    "notifications": ("get", "/app/notifications/", None, [LOGIN, 200, 200, 200, 200, 200, 200]),
    "notification-open": ("get", "/app/notifications/{notification}/", None, [LOGIN, 302, 404, 404, 404, 404, 404]),
    "notifications-read-all": ("post", "/app/notifications/read-all/", {}, [LOGIN, 302, 302, 302, 302, 302, 302]),
    "notification-settings": ("get", "/app/notifications/settings/", None, [LOGIN, 200, 200, 200, 200, 200, 200]),
    "notification-follow": ("post", f"/app/notifications/follow/{ANGTHONG}/", {},
                            [LOGIN, 302, 302, 302, 302, 302, 302]),
    "unsubscribe": ("get", "/unsubscribe/{unsubscribe}/", None, [200] * 7),  # the signed link, no sign-in
    # Who no channel reaches: as the area people page (supervisors, the administrator).
    "area-reach": ("get", "/app/area/reach/", None, [LOGIN, 403, 403, 403, 200, 200, 200]),
    # LINE (notifications/line_views.py): the webhook takes only LINE's signed deliveries (an unsigned
    # POST is refused for everyone, tests/notifications/test_line_webhook_view.py); the link from the
    # Official Account's chat is for whoever signs in; unlinking is one's own.
    "line-webhook": ("post", "/line/webhook/", {}, [400] * 7),
    "line-link": ("get", "/line/link/?linkToken=abcdefgh12345678", None, [LOGIN, 200, 200, 200, 200, 200, 200]),
    "line-unlink": ("post", "/app/notifications/line/unlink/", {}, [LOGIN, 302, 302, 302, 302, 302, 302]),
}
# Framework URLs whose rules belong to Django itself (admin, auth views).
FRAMEWORK_PREFIXES = ("admin/", "accounts/")
# Django's own sign-in and password-reset views, wired by signin/urls.py: open to everyone by design
# (tests/signin/test_sign_in.py, test_password_reset.py).
FRAMEWORK_NAMES = {"login", "password_reset", "password_reset_done", "password_reset_confirm",
                   "password_reset_complete"}


def portal_url_names():
    names = set()
    for entry in get_resolver().url_patterns:
        if str(entry.pattern).startswith(FRAMEWORK_PREFIXES):
            continue
        patterns = entry.url_patterns if isinstance(entry, URLResolver) else [entry]
        for pattern in patterns:
            assert isinstance(pattern, URLPattern), pattern
            if pattern.name not in FRAMEWORK_NAMES:
                names.add(pattern.name)
    return names


def test_every_portal_url_has_a_rule_for_every_persona():
    assert portal_url_names() == set(MATRIX)
    assert all(len(expected) == len(PERSONAS) for *_, expected in MATRIX.values())


@pytest.fixture(scope="module")
def module_objects(django_db_setup, django_db_blocker):
    """The objects the paths name, built once for the module's four hundred tests, in a
    transaction of the module's own: each test's transaction is a savepoint inside it (its writes
    roll back as before), and the module's is rolled back after its last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        made = _objects()
    yield made
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def objects(db, module_objects):
    return module_objects


def _objects():
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    evidence = measure_services.evidence_add(progress_round=plan.rounds.get(months=6), measure=measure,
                                             actor=user(EDITOR), upload=upload)
    from reports import services as report_services

    job = report_services.republish_request(province=plan.org.province, actor=user(ADMIN))
    from reports import previews

    preview = previews.queue(previews.preview_of(plan, "results-6m", plan.rounds.get(months=6)))
    from assessments.models import Membership
    from people import services as people_services

    memberships = {m.role: m for m in Membership.objects.filter(org=plan.org)}
    invitation = people_services.invitation_create(org=plan.org, email="waiting@example.go.th", role="approver",
                                                   actor=user(ADMIN)).invitation
    supervisor_invitation = people_services.supervisor_appoint(email="new.supervisor@example.go.th",
                                                               province=plan.org.province, actor=user(ADMIN))
    return {"measure": measure.pk, "evidence": evidence.token, "job": job.pk, "province": plan.org.province_id,
            "editor_membership": memberships["editor"].pk, "approver_membership": memberships["approver"].pk,
            "editor_user": memberships["editor"].user_id, "invitation": invitation.pk,
            "scope": user(SUPERVISOR).supervisor_scopes.get().pk,
            "supervisor_invitation": supervisor_invitation.invitation.pk,
            "library_entry": LibraryEntry.objects.order_by("pk").first().pk, "preview_key": preview.key,
            **notification_objects(plan)}


def notification_objects(plan):
    """A notification of the editor's (a supervisor's comment) and an unsubscribe link of theirs."""
    from notifications.models import Notification
    from notifications.services import unsubscribe_token

    measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text="โปรดเร่งรัด")
    notification = Notification.objects.filter(recipient__username=EDITOR).latest("pk")
    return {"notification": notification.pk, "unsubscribe": unsubscribe_token(notification.recipient_id, "comment")}


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(client, objects, name, persona):
    method, path, data, expected = MATRIX[name]
    want = expected[PERSONAS.index(persona)]
    if persona != "anonymous":
        login(client, USERS[persona])
    url = path.format(**objects)
    data = {k: v.format(**objects) if isinstance(v, str) else v for k, v in (data or {}).items()}
    response = client.post(url, data) if method == "post" else client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # consuming it closes the file
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want
    if url.startswith(STAFF_PREFIXES):  # kept by no browser or proxy (ita_portal/middleware.py)
        assert "no-store" in response["Cache-Control"], url


def test_the_admin_is_for_staff_only(client, db):
    assert client.get("/admin/").status_code == 302
    login(client, EDITOR)
    assert client.get("/admin/").status_code == 302
    login(client, ADMIN)
    assert client.get("/admin/").status_code == 200


def test_it_hides_the_rest_of_the_province_from_a_district_supervisor(
        client, objects, district_supervisor, other_district_body):
    """A body of the same province in another district does not exist for them (404), as for a
    supervisor of another province; their own district's body reads as for SUPERVISOR."""
    from tests.factories import DISTRICT_SUPERVISOR, OTHER_DISTRICT_BODY, build_plan

    build_plan(other_district_body, 2569, measures=1)
    login(client, DISTRICT_SUPERVISOR)
    for slug, want in ((ANGTHONG, 200), (OTHER_DISTRICT_BODY, 404)):
        for path in (f"/app/orgs/{slug}/2569/plan/", f"/app/orgs/{slug}/2569/rounds/6/",
                     f"/app/orgs/{slug}/2569/plan/analysis/", f"/app/orgs/{slug}/people/"):
            assert client.get(path).status_code == want, path
    assert client.post(f"/app/orgs/{OTHER_DISTRICT_BODY}/2569/comments/", {"text": "โปรดเร่งรัด"}).status_code == 404
    assert client.post(f"/app/orgs/{ANGTHONG}/2569/comments/", {"text": "โปรดเร่งรัด"}).status_code == 302
