"""The cleaner on the real seed and dev articles (must-keep and must-drop lists read off the
files by hand) and on small pages written here with other kinds of web boilerplate."""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import DEV, SEEDS
from dragoman.clean import clean, find_headline, paragraphs
from dragoman.schema import CleanDocument, Document

SEED_DOCS = sorted((SEEDS / "docs").glob("*.txt"))
DEV_DOCS = sorted((DEV / "docs").glob("*.json"))


def doc(text: str, title: str | None = None) -> Document:
    return Document("t", text, hashlib.sha256(text.encode()).hexdigest(), title=title)


def seed(prefix: str) -> CleanDocument:
    (path,) = [p for p in SEED_DOCS if p.name.startswith(prefix)]
    return clean(doc(path.read_text(encoding="utf-8")))


def texts(cd: CleanDocument, kinds: tuple[str, ...]) -> list[str]:
    return [cd.document.text[b.start : b.end] for b in cd.blocks if b.kind in kinds]


def kept(cd: CleanDocument) -> str:
    return "\n\n".join(texts(cd, ("title", "body")))


def assert_keeps(cd: CleanDocument, must_keep: list[str], must_drop: list[str]) -> None:
    text = kept(cd)
    for s in must_keep:
        assert s in text, f"dropped: {s!r}"
    for s in must_drop:
        assert s not in text, f"kept: {s!r}"


def assert_invariants(cd: CleanDocument) -> None:
    """Blocks are trimmed, in order, do not overlap, and cover every non-blank character once."""
    text = cd.document.text
    covered = [0] * len(text)
    last_end = 0
    for b in cd.blocks:
        piece = text[b.start : b.end]
        assert piece and piece == piece.strip()
        assert b.start >= last_end
        assert b.kind in ("title", "dateline", "body", "boilerplate")
        assert (b.reason is not None) == (b.kind == "boilerplate")
        last_end = b.end
        for i in range(b.start, b.end):
            covered[i] += 1
    for i, ch in enumerate(text):
        assert covered[i] == 1 or (covered[i] == 0 and ch.isspace()), (i, ch)


# -- the seed reports -----------------------------------------------------------------------------

def test_seed_000_drops_the_recent_posts_listing_and_the_author_box():
    cd = seed("000")
    assert texts(cd, ("title",)) == ["Iran Leader’s Aide to Visit Moscow, Beijing to Convey Important Messages"]
    assert_keeps(
        cd,
        must_keep=[
            "Ali Akbar Velayati, a senior advisor to the Leader of Iran’s Islamic Revolution, is going to visit",
            "During his Wednesday visit to Moscow, he will head a delegation of foreign ministry officials",
            "“The issue of JCPOA and the US’ withdrawal from the international agreement",
            "President Rouhani had earlier sent special envoys to a number of Latin American countries",
        ],
        must_drop=[
            "IFP Exclusive", "IFP Editorial Staff", "skilled journalists", "Recent Posts",
            "Leader advisor dismisses claims", "Ali Larijani", "Kashmar", "Terrorists killed",
            "FATF blacklist", "Iranian MP slams internet filtering", "Sistan and Baluchestan",
            "Security Martyrs", "hour ago", "hours ago",
        ],
    )


def test_seed_001_skips_the_banner_and_breadcrumb_and_the_repeated_headline():
    cd = seed("001")
    headline = "Putin hosts aide to Iran's supreme leader amid Syria talks"
    assert texts(cd, ("title",)) == [headline]
    assert texts(cd, ("dateline",)) == ["Thursday, 21 February 2019", "14 July 2018"]
    assert kept(cd).count(headline) == 1  # the copy at the end of the page is dropped
    assert cd.blocks[-1].kind == "boilerplate"
    assert_keeps(
        cd,
        must_keep=[
            "Velayati is in Moscow to submit messages from Leader of the Islamic Revolution",
            "The meeting comes at a significant time for Iran.",  # a one-sentence paragraph
            'Velayati also said Iran and Russian Federation would "continue to cooperate in Syria"',
            "Russian President Vladimir Putin has received the Iranian leader's top adviser",
        ],
        must_drop=["Latest news", "Main »", "Thursday, 21 February 2019", "14 July 2018"],
    )


def test_seed_002_drops_the_comment_form_and_keeps_the_dateline_apart():
    cd = seed("002")
    assert texts(cd, ("title",)) == ["Putin replies to Leader’s message"]
    assert texts(cd, ("dateline",)) == ["March 7, 2021 - 21:54"]
    assert_keeps(
        cd,
        must_keep=[
            "TEHRAN - Ali Akbar Velayati, a senior advisor to Leader of the Islamic Revolution",
            "“The visit… will send a message to the Islamic Republic’s regional allies",
            "The Russian ambassador, for his part, expressed delight",
        ],
        must_drop=["Leave a Comment", "6 + 2 ="],
    )


def test_seed_003_keeps_every_paragraph():
    cd = seed("003")
    kinds = [b.kind for b in cd.blocks]
    assert kinds == ["title"] + ["body"] * 11
    assert texts(cd, ("body",))[0].startswith("TEHRAN (Tasnim) – The cooperation between Iran and Russia")
    assert texts(cd, ("body",))[-1] == ("Following the US exit, Iran and the remaining parties launched talks "
                                        "to save the accord.")


def test_seed_004_drops_the_section_label_and_the_reply_form():
    cd = seed("004")
    assert texts(cd, ("title",)) == ["Leader’s message to Putin provides opportunity to deal with common threats"]
    assert_keeps(
        cd,
        must_keep=[
            "Iranian Parliamentary Director General for International Affairs Hossein Amir-Abdollahian said",
            "He also enlisted the experience of evading US-posed sanctions",
            "which is supposed to be delivered at 12:30 p.m. local time in Moscow",
        ],
        must_drop=["Middle EastWorld News", "Leave a Reply", "Your email address will not be published",
                   "Required fields", "Back to top"],
    )


def test_every_seed_gold_evidence_sentence_is_kept():
    cleaned = {p.name[:3]: seed(p.name[:3]) for p in SEED_DOCS}
    n = 0
    for line in (SEEDS / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        body = kept(cleaned[gold["id"]])
        for event in gold["events"]:
            assert event["evidence"] in body, (gold["id"], event["evidence"][:60])
            n += 1
    assert n > 40


@pytest.mark.parametrize("path", SEED_DOCS + DEV_DOCS, ids=lambda p: p.name)
def test_blocks_are_exact_ordered_and_cover_the_text(path):
    text = json.loads(path.read_text())["text"] if path.suffix == ".json" else path.read_text(encoding="utf-8")
    assert_invariants(clean(doc(text)))


# -- the BBC dev articles: nothing is boilerplate -------------------------------------------------

@pytest.mark.parametrize("path", DEV_DOCS, ids=lambda p: p.name)
def test_dev_articles_are_kept_whole(path):
    article = json.loads(path.read_text(encoding="utf-8"))
    cd = clean(doc(article["text"], title=article["title"]))
    assert [b.kind for b in cd.blocks] == ["title"] + ["body"] * (len(cd.blocks) - 1)
    assert texts(cd, ("title",)) == [article["title"]]
    # every paragraph of the article (blank-line separated) is kept as it is
    assert texts(cd, ("title", "body")) == [p.strip() for p in article["text"].split("\n\n") if p.strip()]


# -- pages written for these tests: the method is not tied to the seed sites --------------------

NEWS_SITE = """We use cookies to improve your experience. By continuing to browse you accept our cookie policy.
Accept all cookies

Home | World | Business | Sport

Lagos port workers end strike after pay deal

By Amaka Obi

Dockworkers at Nigeria's largest port returned to work on Monday after union leaders accepted a new pay offer from the transport ministry.

The strike had halted container traffic for nine days, and shipping lines had begun diverting vessels to ports in Ghana and Benin.

"We have secured most of what our members asked for," the union's general secretary said.

Sign up for our morning newsletter and get the day's top stories in your inbox.

Related
Ghana expands Tema container terminal
Benin customs chief replaced after audit
Freight rates climb as Red Sea diversions continue

© 2024 Harbour Herald Media. All rights reserved.
"""


def test_cookie_banner_newsletter_box_and_related_list_are_dropped():
    cd = clean(doc(NEWS_SITE))
    assert_invariants(cd)
    assert texts(cd, ("title",)) == ["Lagos port workers end strike after pay deal"]
    assert texts(cd, ("body",)) == [
        "Dockworkers at Nigeria's largest port returned to work on Monday after union leaders accepted a new "
        "pay offer from the transport ministry.",
        "The strike had halted container traffic for nine days, and shipping lines had begun diverting vessels "
        "to ports in Ghana and Benin.",
        '"We have secured most of what our members asked for," the union\'s general secretary said.',
    ]
    reasons = {cd.document.text[b.start : b.end]: b.reason for b in cd.blocks if b.kind == "boilerplate"}
    assert "cookie" in reasons["Accept all cookies"]
    assert "newsletter" in reasons["Sign up for our morning newsletter and get the day's top stories in your inbox."]
    assert "Related" in reasons["Benin customs chief replaced after audit"]
    assert "© 2024 Harbour Herald Media. All rights reserved." in reasons


COMMENTS_PAGE = """Chile and Peru agree to share river data

Santiago, Chile

Water agencies in Chile and Peru will exchange daily readings from the rivers that cross their border, under a protocol signed in Lima on Friday.

The two governments said the data would help farmers plan irrigation during dry years.

Share this:
Facebook
Twitter

3 Comments

Great news, it is about time the two countries worked together on this, because the farmers in the valley have waited for years.

I am not convinced the data will be shared in practice, but we will see what happens next year when the rains fail again.

Post Comment
"""


def test_everything_after_a_comments_heading_is_dropped_even_prose():
    cd = clean(doc(COMMENTS_PAGE))
    assert_invariants(cd)
    assert_keeps(
        cd,
        must_keep=["Water agencies in Chile and Peru will exchange daily readings",
                   "The two governments said the data would help farmers plan irrigation during dry years."],
        must_drop=["Santiago, Chile", "Share this", "Facebook", "3 Comments", "Great news",
                   "I am not convinced", "Post Comment"],
    )


LISTING_MID_ARTICLE = """Kenya and Uganda reopen rail link

Freight trains crossed the border between Kenya and Uganda on Tuesday for the first time in six years, after both governments finished repairs on the line near Malaba.

Read more
Tanzania signs port deal with Zambia
Rwanda opens new cross-border market

Officials from both countries said the line would carry up to twenty trains a week by the end of the year, cutting the cost of moving goods to the coast.

The Ugandan transport minister told reporters that the agreement also covers passenger services, which are expected to resume early next year.

More from East Africa
Ethiopia announces grain import plan
2 hours ago
Somalia holds talks with donors on debt relief
5 hours ago
"""


def test_a_listing_inside_the_article_is_dropped_and_the_article_resumes():
    cd = clean(doc(LISTING_MID_ARTICLE))
    assert_invariants(cd)
    assert_keeps(
        cd,
        must_keep=["Freight trains crossed the border between Kenya and Uganda on Tuesday",
                   "Officials from both countries said the line would carry up to twenty trains a week",
                   "which are expected to resume early next year."],
        must_drop=["Read more", "Tanzania signs port deal", "Rwanda opens", "More from East Africa",
                   "Ethiopia announces", "hours ago", "Somalia holds talks"],
    )


TEASER_RUN = """Vietnam and Cambodia settle fishing dispute

Fishing crews from Vietnam and Cambodia will be allowed to work in each other's waters under a deal announced by both foreign ministries on Wednesday.

Laos expands hydropower exports
Power lines to Thailand will double in capacity under a plan approved by the cabinet after…

Myanmar border trade slows
Traders at the main crossing reported fewer trucks this month as new checks were brought in…
"""


def test_teasers_ending_in_an_ellipsis_are_dropped_when_they_come_in_runs():
    cd = clean(doc(TEASER_RUN))
    assert_invariants(cd)
    assert_keeps(cd, must_keep=["Fishing crews from Vietnam and Cambodia will be allowed to work"],
                 must_drop=["Power lines to Thailand", "Traders at the main crossing", "Laos expands",
                            "Myanmar border trade slows"])


def test_a_single_paragraph_ending_in_an_ellipsis_is_kept():
    text = ("Talks resume in Geneva\n\nNegotiators from both delegations met again on Monday.\n\n"
            "The envoy said the two sides were close to a deal, but added that there were still...\n\n"
            "A further round is planned for next month.")
    cd = clean(doc(text))
    assert "but added that there were still..." in kept(cd)


def test_a_repeated_paragraph_is_dropped_once_and_short_quotes_are_kept():
    para = "The mayor of Porto Alegre said the city would accept the aid offered by the national government."
    text = f"Flood aid accepted\n\n{para}\n\n“We will rebuild.”\n\nYes.\n\n{para}\n\nFlood aid accepted"
    cd = clean(doc(text))
    assert_invariants(cd)
    assert kept(cd).count(para) == 1
    assert texts(cd, ("title", "body")) == ["Flood aid accepted", para, "“We will rebuild.”", "Yes."]
    assert [b.kind for b in cd.blocks[-2:]] == ["boilerplate", "boilerplate"]


def test_a_hard_wrapped_paragraph_is_one_block_and_a_headline_ends_at_its_line():
    text = ("Malawi signs grain deal with Zambia\n"
            "The agriculture ministers of Malawi and Zambia signed an agreement\n"
            "on Friday that lets maize move across the border without export\n"
            "permits during the lean season.\n")
    assert paragraphs(text) == [(0, 35), (36, len(text) - 1)]
    cd = clean(doc(text))
    assert [b.kind for b in cd.blocks] == ["title", "body"]


def test_windows_line_ends_stay_out_of_the_blocks():
    text = "Oman hosts talks\r\n\r\nOfficials from the two countries met in Muscat on Sunday.\r\n"
    cd = clean(doc(text))
    assert_invariants(cd)
    assert texts(cd, ("title", "body")) == ["Oman hosts talks",
                                            "Officials from the two countries met in Muscat on Sunday."]


def test_a_text_that_starts_with_prose_has_no_title():
    text = ("The minister of finance resigned on Monday after the budget vote failed in parliament.\n\n"
            "He gave no reason.")
    cd = clean(doc(text))
    assert [b.kind for b in cd.blocks] == ["body", "body"]
    assert find_headline(text) is None


def test_the_given_title_names_the_title_block():
    text = "World\n\nBy Kofi Mensah\n\nGhana recalls envoy\n\nGhana recalled its ambassador on Friday, officials said."
    cd = clean(doc(text, title="Ghana recalls envoy"))
    assert texts(cd, ("title",)) == ["Ghana recalls envoy"]
    assert [b.reason is not None for b in cd.blocks] == [True, True, False, False]


def test_find_headline_skips_dates_menus_and_breadcrumbs():
    text = ("Tuesday, 4 June 2024\nTop stories\nHome » Politics » Senate passes budget\n\n"
            "Senate passes budget\n\nBody.")
    start, end = find_headline(text)
    assert (start, text[start:end]) == (text.index("\n\nSenate") + 2, "Senate passes budget")
    # with no standalone headline, the breadcrumb's last item is the headline
    text = ("Top stories\nHome » Politics » Senate passes budget\n\n"
            "The senate passed the budget on Monday by a wide margin.")
    start, end = find_headline(text)
    assert text[start:end] == "Senate passes budget"


def test_a_document_of_only_boilerplate_keeps_nothing():
    cd = clean(doc("Home\nNews\nSport\n\n© 2023 Example Media"))
    assert cd.kept == ()
    assert_invariants(cd)
    assert [b.reason.split()[0] for b in cd.blocks] == ["short", "short", "short", "copyright"]


def test_prose_that_mentions_newsletters_cookies_or_copyright_is_kept():
    paras = [
        "The ministry said in its weekly newsletter that exports of cocoa rose by five percent.",
        "The court ruled that the copyright claim brought by the broadcaster had no merit.",
        "Inspectors found cookies and other snacks in the seized lorries, the customs agency said.",
        "Subscribers to the state newspaper will get a printed copy of the new constitution.",
    ]
    cd = clean(doc("Cocoa exports rise\n\n" + "\n\n".join(paras)))
    assert texts(cd, ("body",)) == paras


def test_an_author_box_after_the_article_is_dropped_but_list_items_and_broken_sentences_stay():
    text = ("Kenya cuts fuel tax\n\n"
            "The Kenyan treasury cut the tax on diesel on Monday, the finance minister told parliament.\n\n"
            "- Diesel tax cut by eight shillings a litre\n"
            "- Kerosene exempt until June\n\n"
            "The measure was welcomed by\n\n"
            "the road transport association\n\n"
            "and by farmers' groups in the Rift Valley.\n\n"
            "Wanjiru Kamau\n\n"
            "Wanjiru Kamau is our business correspondent in Nairobi, covering trade and energy.")
    cd = clean(doc(text))
    assert_invariants(cd)
    assert_keeps(cd,
                 must_keep=["- Diesel tax cut by eight shillings a litre", "the road transport association",
                            "The measure was welcomed by"],
                 must_drop=["Wanjiru Kamau", "business correspondent"])
