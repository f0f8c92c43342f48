"""What tests build and who they act as: the demo users (loaded by `setup_demo`, see README.md's
demo users table) named once, and helpers that make bodies, scores and plans through the services."""

from django.contrib.auth import get_user_model

from assessments import score_io, services
from assessments.models import Province

DEMO_PASSWORD = "ita-demo-2568"  # every demo user's password
ANGTHONG = "thesaban-mueang-ang-thong"  # เทศบาลเมืองอ่างทอง, the body most tests work on

# The demo users. The personas first: the people of ANGTHONG and the people around it.
EDITOR = "angthong_editor"  # editor of เทศบาลเมืองอ่างทอง
APPROVER = "angthong_approver"  # approver of เทศบาลเมืองอ่างทอง
OTHER_EDITOR = "bokaeo_editor"  # editor of another body: อบต.บ่อแก้ว จ.กาฬสินธุ์
OTHER_APPROVER = "bokaeo_approver"  # approver of อบต.บ่อแก้ว จ.กาฬสินธุ์
SUPERVISOR = "sup_angthong"  # provincial supervisor of อ่างทอง: ANGTHONG is in their area
# Provincial supervisor of นครราชสีมา: ANGTHONG is outside their area; อบต.จอหอ and the bodies
# make_body creates (its default province) are inside it.
OUTSIDE_SUPERVISOR = "sup_nakhonratchasima"
ADMIN = "admin"  # system administrator (superuser, /admin/)
# Other bodies' people.
DONGKHWANG_EDITOR = "dongkhwang_editor"  # editor of อบต.ดงขวาง จ.นครพนม
CHOHO_EDITOR = "choho_editor"  # editor of อบต.จอหอ จ.นครราชสีมา
KALASIN_SUPERVISOR = "sup_kalasin"  # provincial supervisor of กาฬสินธุ์ (อบต.บ่อแก้ว)
NAKHONPHANOM_SUPERVISOR = "sup_nakhonphanom"  # provincial supervisor of นครพนม (อบต.ดงขวาง)
# The attacker's personas (issue 21), made through the services by tests/conftest.py fixtures.
# District supervisor of อำเภอเมืองอ่างทอง only (ANGTHONG is in their area, the rest of อ่างทอง is
# not); their login name is the address they were invited at.
DISTRICT_SUPERVISOR = "amphoe.mueang@angthong.go.th"
OTHER_DISTRICT_BODY = "test-wiset-chai-chan"  # a body of อ่างทอง in another district (วิเศษชัยชาญ)
SQUATTED = "next.approver@angthong.go.th"  # someone else's address, which the squatter types as theirs


def user(username):
    return get_user_model().objects.get(username=username)


def login(client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def import_records(records, actor=None):
    """Write score records through the real import path."""
    numbered = [(n, {"part": "0", "code": "", **r}) for n, r in enumerate(records, start=2)]
    return services.scores_import(rows=score_io.check_rows(numbered), actor=actor)


def make_body(slug, *, province="นครราชสีมา", district="เมืองนครราชสีมา", name=None):
    return services.organization_upsert(
        slug=slug, name=name or f"องค์การบริหารส่วนตำบล{slug}", kind="sao",
        province=Province.objects.get(name=province), district=district,
    )


def add_indicator_year(org, year, score="90.00"):
    """A year of indicator scores (1–10) for a body."""
    return import_records(
        [{"org": org.slug, "fiscal_year": str(year), "scope": "indicator", "code": str(n), "value": score}
         for n in range(1, 11)]
    )


def build_plan(org, fiscal_year, measures=3, *, editor=EDITOR, units=("กองคลัง",)):
    """A plan with complete measures, built through the services."""
    from measures import services as measure_services

    actor = user(editor)
    plan = measure_services.plan_create(org=org, fiscal_year=fiscal_year, actor=actor)
    for n in range(measures):
        measure_services.measure_save(plan=plan, actor=actor, data={
            "title": f"มาตรการทดสอบที่ {n + 1}", "steps": "ขั้นที่หนึ่ง\nขั้นที่สอง", "monitoring_rounds": [6, 12],
            "responsible_units": [], "new_units": list(units),
        })
    return plan


def district_supervisor():
    """DISTRICT_SUPERVISOR as the administrator makes one: appointed to one district by
    invitation, and the invitation accepted (a SupervisorScope with a district)."""
    from people import services as people_services
    from people.models import new_token

    province = Province.objects.get(name="อ่างทอง")
    invited = people_services.supervisor_appoint(email=DISTRICT_SUPERVISOR, province=province, district="เมืองอ่างทอง",
                                                 actor=user(ADMIN))
    token = new_token()
    people_services.invitation_mark_sent(invitation=invited.invitation, token=token, actor=None)
    return people_services.invitation_accept(token=token, first_name="สมปอง", last_name="ท้องถิ่นอำเภอ",
                                             position="ท้องถิ่นอำเภอเมืองอ่างทอง", password=DEMO_PASSWORD)


def other_district_body():
    """A body of อ่างทอง outside DISTRICT_SUPERVISOR's district (inside SUPERVISOR's province)."""
    return make_body(OTHER_DISTRICT_BODY, province="อ่างทอง", district="วิเศษชัยชาญ",
                     name="องค์การบริหารส่วนตำบลทดสอบวิเศษชัยชาญ")


def squat(username=OTHER_EDITOR, address=SQUATTED):
    """The squatter types someone else's address on their profile page (the real service): it
    waits for the link mailed to that address, whose owner is someone else."""
    from people import services as people_services

    person = user(username)
    people_services.profile_save(user=person, first_name=person.first_name or "ผู้แอบอ้าง",
                                 last_name=person.last_name or "ใช้อีเมลผู้อื่น", email=address, positions={})
    return user(username)
