"""A document's signature block prints the person's Thai name and position, never a login name:
submitting and approving ask for a missing name (with a link to the profile page), and a
document approved before the rule has its login name replaced (or its publishing refused)."""

import json

import pytest

from assessments.models import Organization
from measures import services as measure_services
from measures.models import Transition
from reports import builders
from reports.models import PublishedDocument, ReportSettings
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, login, user


def step(plan, action, who):
    return measure_services.document_transition(plan=plan, actor=user(who), action=action)


def nameless(username):
    person = user(username)
    person.first_name = person.last_name = ""
    person.save()
    return person


@pytest.fixture
def plan(db):
    org = Organization.objects.get(slug=ANGTHONG)
    ReportSettings.objects.filter(org=org).update(preparer_name="", approver_name="")
    return build_plan(org, 2570, measures=1)


def test_submitting_without_a_name_asks_for_it_with_a_link_to_the_profile(client, plan):
    nameless(EDITOR)
    login(client, EDITOR)
    page = f"/app/orgs/{ANGTHONG}/2570/plan/"
    response = client.post(f"{page}transition/", {"action": "submit"}, HTTP_REFERER=f"http://testserver{page}",
                           follow=True)
    html = response.content.decode()
    assert "ยังไม่ได้บันทึกชื่อและนามสกุลของคุณ" in html
    assert 'href="/app/profile/?next=http%3A%2F%2Ftestserver%2Fapp%2Forgs%2F' in html
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_approving_without_a_name_is_refused(plan):
    step(plan, "submit", EDITOR)
    nameless(APPROVER)
    with pytest.raises(measure_services.NameMissing):
        step(plan, "approve", APPROVER)
    plan.refresh_from_db()
    assert plan.status == "submitted"


def test_a_signer_without_a_name_prints_a_line_to_sign_over_never_the_login(plan):
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    nameless(EDITOR)  # e.g. erased under PDPA after approving
    context = builders.build(plan, "measures")
    assert context["signature"]["preparer"]["name"] == ""
    assert EDITOR not in json.dumps(context, ensure_ascii=False)


def test_a_login_name_stored_by_an_earlier_approval_never_reaches_the_published_document(plan):
    step(plan, "submit", EDITOR)
    approval = step(plan, "approve", APPROVER)
    # What the portal stored before names were required: the approver's login name.
    snapshot = approval.snapshot
    snapshot["documents"]["measures"]["signature"]["approver"]["name"] = APPROVER
    Transition.objects.filter(pk=approval.pk).update(snapshot=snapshot)
    nameless(APPROVER)
    with pytest.raises(measure_services.NameMissing, match="ผู้เห็นชอบ"):
        step(plan, "publish", APPROVER)
    assert not PublishedDocument.objects.filter(org=plan.org, fiscal_year=2570).exists()
    person = user(APPROVER)
    person.first_name, person.last_name = "สมปอง", "ดีมาก"
    person.save()
    step(plan, "publish", APPROVER)
    document = PublishedDocument.objects.get(org=plan.org, fiscal_year=2570, doc="measures")
    assert document.snapshot["signature"]["approver"]["name"] == "สมปอง ดีมาก"
    assert APPROVER not in json.dumps(document.snapshot, ensure_ascii=False)
