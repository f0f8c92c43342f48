"""Carry forward (issue 25 point 6): last year's standing address is offered for this year's
item through the crosswalk, and becomes a draft only when the editor confirms it."""

import pytest

from common.errors import Refusal
from oit import selectors, services
from oit.models import EvidenceFile, ItemAnswer
from tests.factories import ANGTHONG, EDITOR, login, user

from .helpers import PDF, angthong, item, pdf, publish, save_url

YEAR = f"/app/orgs/{ANGTHONG}/2569/ita/"


@pytest.fixture
def last_year(db):
    """ANGTHONG's FY 2568 evidence, published: o1 its structure page, o18 (complaint channel) a
    file, o13 (last year's procurement report, an item of the previous year's data) an address."""
    save_url("o1", "https://www.angthong.go.th/structure", year=2568)
    save_url("o13", "https://www.angthong.go.th/procurement-2567.pdf", year=2568)
    services.answer_save(org=angthong(), item=item("o18", 2568), actor=user(EDITOR), kind="file", upload=pdf())
    publish(year=2568)


def test_it_offers_standing_addresses_through_the_crosswalk(client, last_year):
    offers = {o.item.code: o.source.item.code for o in selectors.carry_offers(angthong(), 2569)}
    assert offers == {"o1": "o1", "o17": "o18"}  # O12 ← o13 is of the previous year's data: not offered
    login(client, EDITOR)
    page = client.get(YEAR).content.decode()
    assert 'data-testid="carry-offers"' in page and "https://www.angthong.go.th/structure" in page


def test_the_editor_confirms_and_gets_drafts(client, last_year):
    login(client, EDITOR)
    assert client.post(YEAR + "carry/", {"codes": ["o1", "o17"]}).status_code == 302
    o1 = ItemAnswer.objects.get(item=item("o1"))
    assert (o1.state, o1.url, o1.carried_from.item.code) == ("draft", "https://www.angthong.go.th/structure", "o1")
    o17 = ItemAnswer.objects.get(item=item("o17"))
    assert (o17.file.item_code, o17.file.fiscal_year, o17.file.version) == ("o17", 2569, 1)
    assert o17.file.sha256 == EvidenceFile.objects.get(item_code="o18", fiscal_year=2568).sha256
    with o17.file.file.open("rb") as handle:
        assert handle.read() == PDF
    assert selectors.carry_offers(angthong(), 2569) == []  # answered now: nothing more to offer
    assert client.post(YEAR + "carry/", {"codes": ["o1"]}).status_code == 302  # a second click changes nothing
    assert ItemAnswer.objects.filter(fiscal_year=2569).count() == 2


def test_nothing_is_carried_without_a_confirmed_offer(last_year):
    with pytest.raises(Refusal):
        services.carry_forward(org=angthong(), fiscal_year=2569, actor=user(EDITOR), codes=["o12", "o25"])
    assert not ItemAnswer.objects.filter(fiscal_year=2569).exists()
