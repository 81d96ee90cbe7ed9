"""The actors stage, one phenomenon per test, on sentences written for these tests.

People in these sentences are made up unless a test is about the built-in dictionary of office
holders; countries, sectors and the expected resolutions were worked out by hand."""

from __future__ import annotations

import hashlib
import textwrap

import pytest

from dragoman.actors.dictionary import ActorDictionary, DictionaryEntry
from dragoman.actors.link import ActorMemory
from dragoman.errors import InputError
from dragoman.schema import Actor, Document

pytestmark = pytest.mark.model

HEADLINE = "World news in brief\n\n"


def code(pipeline, text: str, published: str | None = "2024-05-08", doc_id: str = "t",
         outlet: str | None = None, url: str | None = None):
    doc = Document(doc_id=doc_id, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                   published=published, date_source="metadata" if published else "none", outlet=outlet, url=url)
    return next(pipeline.code([doc]))


def actor_of(coded, mention_text: str) -> Actor:
    """The actor of the first mention whose text is `mention_text` (or ends with it)."""
    by_id = {a.actor_id: a for a in coded.actors}
    for m in coded.mentions:
        if m.text == mention_text or m.text.endswith(" " + mention_text):
            return by_id[m.actor_id]
    raise AssertionError(f"no mention {mention_text!r} in {[m.text for m in coded.mentions]}")


def no_mention(coded, text: str) -> bool:
    return all(text not in m.text for m in coded.mentions)


# -- recognition: countries, other names, metonyms, demonyms, nominal actors ------------------------

def test_countries_under_their_other_names(pipeline):
    c = code(pipeline, HEADLINE + "The Islamic Republic of Iran wrote to the Russian Federation, and the U.S. "
             "answered the Republic of Korea.")
    assert actor_of(c, "Islamic Republic of Iran").country == "IRN"
    assert actor_of(c, "Russian Federation").country == "RUS"
    assert actor_of(c, "U.S.").country == "USA"
    assert actor_of(c, "Republic of Korea").country == "KOR"


@pytest.mark.parametrize("phrase,country,kind", [
    ("The Kremlin", "RUS", "organization"),
    ("Downing Street", "GBR", "organization"),
    ("The Pentagon", "USA", "organization"),
    ("The White House", "USA", "organization"),
    ("Nairobi", "KEN", "country"),
])
def test_capitals_and_seats_of_government_stand_for_their_state(pipeline, phrase, country, kind):
    c = code(pipeline, HEADLINE + f"{phrase} rejected the proposal on Monday.")
    a = actor_of(c, phrase.removeprefix("The ").removeprefix("the "))
    assert (a.country, a.kind) == (country, kind)


@pytest.mark.parametrize("sentence,mention,country,sector", [
    ("Peruvian officials met the press.", "Peruvian officials", "PER", "GOV"),
    ("The Norwegian ambassador left early.", "Norwegian ambassador", "NOR", "GOV"),
    ("Protesters gathered outside the court.", "Protesters", None, "CVL"),
    ("Rebels shelled the town.", "Rebels", None, "REB"),
    ("Militants attacked a convoy.", "Militants", None, "REB"),
    ("Peruvian lawmakers passed the bill.", "Peruvian lawmakers", "PER", "LEG"),
    ("Lawmakers passed the bill.", "Lawmakers", None, "LEG"),
    ("Bolivian troops crossed the river.", "Bolivian troops", "BOL", "MIL"),
    ("Chilean police detained two men.", "Chilean police", "CHL", "COP"),
])
def test_nominal_actors_and_demonyms(pipeline, sentence, mention, country, sector):
    c = code(pipeline, HEADLINE + sentence)
    a = actor_of(c, mention)
    assert (a.country, a.sector) == (country, sector)


# -- titles, appositions, postings, counterparts ----------------------------------------------------

def test_apposition_office_is_its_head_and_a_generic_role_takes_the_sector_it_serves(pipeline):
    c = code(pipeline, HEADLINE + "Amina Wekesa, a special aide to the speaker of the Kenyan parliament, "
             "arrived in Kampala on Monday.")
    a = actor_of(c, "Amina Wekesa")
    assert (a.country, a.sector, a.office) == ("KEN", "LEG", "Special Aide")


def test_an_apposition_is_the_person_not_another_actor(pipeline):
    c = code(pipeline, HEADLINE + "Amina Wekesa, a special aide to the speaker of the Kenyan parliament, "
             "arrived in Kampala on Monday.")
    assert [a.name for a in c.actors if a.kind == "person" and a.office == "Special Aide"] == ["Amina Wekesa"]


def test_legislative_qualifier_makes_a_generic_office_legislative(pipeline):
    c = code(pipeline, HEADLINE + "Ghanaian Parliamentary Director General Kofi Mensah visited Lome.")
    a = actor_of(c, "Kofi Mensah")
    assert (a.country, a.sector) == ("GHA", "LEG")


def test_ambassador_of_one_country_to_another_belongs_to_the_first(pipeline_all_names):
    # sentences with no event or quote: the recogniser reads them with --all-names only
    pipeline = pipeline_all_names
    c = code(pipeline, HEADLINE + "Brazilian Ambassador to Angola Carlos Mendes presented his credentials.")
    assert actor_of(c, "Carlos Mendes").country == "BRA"


def test_counterpart_takes_the_country_named_and_the_post_of_the_other(pipeline):
    c = code(pipeline, HEADLINE + "Kenyan Parliament Speaker Joseph Kamau met his Ugandan counterpart "
             "Grace Nabirye in Kampala.")
    a = actor_of(c, "Grace Nabirye")
    assert (a.country, a.sector) == ("UGA", "LEG")
    assert actor_of(c, "Joseph Kamau").country == "KEN"


def test_an_office_beats_a_religious_honorific(pipeline_all_names):
    # sentences with no event or quote: the recogniser reads them with --all-names only
    pipeline = pipeline_all_names
    c = code(pipeline, HEADLINE + "Ayatollah Hadi Moradi spoke first. Later, Iraqi President Ayatollah "
             "Hadi Moradi met the cabinet.")
    assert actor_of(c, "Hadi Moradi").sector == "GOV"
    c = code(pipeline, HEADLINE + "Grand Ayatollah Hadi Moradi issued a statement.")
    assert actor_of(c, "Hadi Moradi").sector == "REL"


def test_a_dateline_is_not_part_of_a_title(pipeline):
    c = code(pipeline, HEADLINE + "NAIROBI - Kenyan Foreign Minister Ruth Achieng met reporters.")
    achieng = next(m for m in c.mentions if "Achieng" in m.text)
    assert achieng.text == "Kenyan Foreign Minister Ruth Achieng"


# -- coreference within a document ------------------------------------------------------------------

def test_definite_descriptions_resolve_to_a_fitting_person(pipeline):
    c = code(pipeline, HEADLINE + "Peruvian President Lucia Quispe met Bolivian Foreign Minister Jorge Mamani. "
             "The Peruvian president praised the talks. The minister said little.")
    assert actor_of(c, "Peruvian president").name == "Lucia Quispe"
    assert actor_of(c, "minister").name == "Jorge Mamani"


def test_a_description_must_name_the_whole_post(pipeline):
    c = code(pipeline, HEADLINE + "Deputy Prime Minister Tomas Kral met Foreign Minister Jana Novak in Prague. "
             "The prime minister was not there.")
    pm = actor_of(c, "prime minister")
    assert pm.name not in ("Tomas Kral", "Jana Novak")


def test_a_description_with_another_country_never_resolves_to_this_person(pipeline):
    c = code(pipeline, HEADLINE + "Peruvian President Lucia Quispe spoke. She criticised the Chilean president.")
    chilean = actor_of(c, "Chilean president")
    assert chilean.name != "Lucia Quispe" and chilean.country == "CHL"


def test_the_leader_without_a_country_does_not_stand_for_a_president(pipeline):
    c = code(pipeline, HEADLINE + "Peruvian President Lucia Quispe arrived. The leader of the movement "
             "was not invited.")
    assert all(a.name == "Lucia Quispe" or "leader" not in a.aliases for a in c.actors)
    assert actor_of(c, "leader").name != "Lucia Quispe"


def test_pronoun_subjects_resolve_to_the_latest_subject_person(pipeline):
    c = code(pipeline, HEADLINE + "Bolivian Foreign Minister Jorge Mamani met Peruvian officials on Monday. "
             "He noted that trade had grown.")
    he = next(m for m in c.mentions if m.text == "He")
    assert {a.actor_id: a for a in c.actors}[he.actor_id].name == "Jorge Mamani"


def test_short_forms_and_typos_merge_but_namesakes_stay_two(pipeline):
    c = code(pipeline, HEADLINE + "Chilean Senator Ignacio Valdivieso met reporters. Mr. Valdivieso said no. "
             "Later Valdiviso left.\n\nCarmen Valdivieso, a painter, was not related.")
    people = sorted(a.name for a in c.actors if a.kind == "person" and "Valdivieso" in a.name)
    assert people == ["Carmen Valdivieso", "Ignacio Valdivieso"]
    ignacio = next(a for a in c.actors if a.name == "Ignacio Valdivieso")
    assert {"Mr. Valdivieso", "Valdiviso"} <= {m.text for m in c.mentions if m.actor_id == ignacio.actor_id}


def test_surname_untagged_by_the_model_still_joins_its_person(pipeline):
    c = code(pipeline, HEADLINE + "Estonian Defence Minister Toomas Kivisild met his Latvian counterpart. "
             "Kivisild also visited a base.")
    ids = {m.actor_id for m in c.mentions if "Kivisild" in m.text}
    assert len(ids) == 1


# -- dictionaries: built-in office holders, and the user's -------------------------------------------

def test_built_in_dictionary_gives_country_and_office_on_the_date(pipeline):
    c = code(pipeline, HEADLINE + "Putin spoke with Trump on Monday about Russia and the United States.",
             published="2019-03-01")
    putin, trump = actor_of(c, "Putin"), actor_of(c, "Trump")
    assert (putin.name, putin.country, putin.sector) == ("Vladimir Putin", "RUS", "GOV")
    assert (trump.name, trump.country, trump.sector, trump.office) == ("Donald Trump", "USA", "GOV", "President")
    # Out of office (2023): still who he is, but no longer what he was; a bare surname is no one then.
    c = code(pipeline, HEADLINE + "Donald Trump spoke at a rally.", published="2023-03-01")
    trump = actor_of(c, "Donald Trump")
    assert (trump.country, trump.sector) == ("USA", None)
    assert ActorDictionary.builtin().match_names([["Trump"]], [], "2023-03-01") is None


def test_built_in_dictionary_respects_given_names_and_the_texts_country(pipeline_all_names):
    # sentences with no event or quote: the recogniser reads them with --all-names only
    pipeline = pipeline_all_names
    builtin = ActorDictionary.builtin()
    assert builtin.match_names([["Ivanka", "Trump"]], [], "2019-03-01") is None
    assert builtin.match_names([["Trump"]], [], "2019-03-01").name == "Donald Trump"
    assert builtin.match_names([["Bush"]], [], "2005-03-01").name == "George W. Bush"
    assert builtin.match_names([["Bush"]], [], None) is None  # two presidents Bush: no date, no guess
    assert builtin.match_names([["Brown"]], [], "2012-03-01") is None  # out of office: any Brown
    # a bare surname stands for a listed person only in a text naming their country
    assert builtin.match_names([["Brown"]], [], "2005-03-01", context=frozenset({"GBR"})).name == "Gordon Brown"
    assert builtin.match_names([["Brown"]], [], "2005-03-01", context=frozenset({"USA"})) is None
    assert builtin.match_names([["bush"]], [], "2005-03-01", context=frozenset({"USA"})) is None  # a bush
    assert builtin.match_names([["Xi"]], [], "2015-03-01", context=frozenset({"CHN"})).name == "Xi Jinping"
    c = code(pipeline, HEADLINE + "Nigerian businessman Ali Abdullah Saleh opened a factory.", published="2005-03-01")
    assert actor_of(c, "Ali Abdullah Saleh").country == "NGA"  # not Yemen's president of the time


USER_YAML = """\
# Austria's chancellors in a made-up world, and a man the text would misread
- name: Tomas Brandt
  aliases: [the chancellor]
  country: AUT
  sector: GOV
  office: Chancellor
  valid_from: 2020-01-01
  valid_to: 2022-01-01
- name: Lena Hofer
  aliases: [the chancellor]
  country: AUT
  sector: GOV
  office: Chancellor
  valid_from: 2022-01-01
- name: Karl Weber
  aliases: [Charly Weber]
  country: CHE
  sector: BUS
"""

USER_CSV = """\
name,aliases,country,sector,office,valid_from,valid_to
Tomas Brandt,the chancellor,AUT,GOV,Chancellor,2020-01-01,2022-01-01
Lena Hofer,the chancellor,AUT,GOV,Chancellor,2022-01-01,
Karl Weber,Charly Weber,CHE,BUS,,,
"""


@pytest.fixture(scope="module")
def user_pipeline(tmp_path_factory):
    from dragoman.pipeline import Pipeline
    from dragoman.settings import Settings

    path = tmp_path_factory.mktemp("dict") / "actors.yaml"
    path.write_text(USER_YAML, encoding="utf-8")
    return Pipeline(Settings(actors=path))


def test_user_dictionary_alias_resolves_by_the_documents_date(user_pipeline):
    text = HEADLINE + "The chancellor met Hungarian Prime Minister Peter Szabo in Vienna."
    assert actor_of(code(user_pipeline, text, published="2021-05-01"), "chancellor").name == "Tomas Brandt"
    assert actor_of(code(user_pipeline, text, published="2023-05-01"), "chancellor").name == "Lena Hofer"


def test_user_dictionary_overrides_what_the_text_says(user_pipeline):
    c = code(user_pipeline, HEADLINE + "German Finance Minister Karl Weber criticised the plan.")
    weber = actor_of(c, "Karl Weber")
    assert (weber.country, weber.sector) == ("CHE", "BUS")
    c = code(user_pipeline, HEADLINE + "Charly Weber criticised the plan.")
    assert actor_of(c, "Charly Weber").name == "Karl Weber"


def test_user_dictionary_yaml_and_csv_say_the_same(tmp_path):
    y, c = tmp_path / "a.yaml", tmp_path / "a.csv"
    y.write_text(USER_YAML, encoding="utf-8")
    c.write_text(USER_CSV, encoding="utf-8")
    strip = lambda d: [(e.name, e.aliases, e.country, e.sector, e.office, e.valid_from, e.valid_to) for e in d.entries]
    assert strip(ActorDictionary.load(y)) == strip(ActorDictionary.load(c))


@pytest.mark.parametrize("content,suffix,words", [
    ("name,country\nAna Lopes,Portugal\n", ".csv", ["line 2", "ISO 3166-1 alpha-3", "three capital letters"]),
    ("name,country,valid_from\nAna Lopes,PRT,May 2020\n", ".csv", ["line 2", "valid_from", "YYYY-MM-DD"]),
    ("name,colour\nAna Lopes,blue\n", ".csv", ["line 1", "unknown column 'colour'"]),
    ("- name: Ana Lopes\n  sector: government\n", ".yaml", ["item 1", "PLOVER sector"]),
    ("- name: [unclosed\n", ".yaml", ["not valid YAML", "line"]),
    ("name: Ana\n", ".txt", ["unknown actor dictionary format", ".yaml"]),
])
def test_a_wrong_user_dictionary_names_the_file_the_place_and_the_fix(tmp_path, content, suffix, words):
    path = tmp_path / f"actors{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        ActorDictionary.load(path)
    message = str(err.value)
    assert str(path) in message
    for w in words:
        assert w in message


def test_dictionary_rows_apply_within_their_dates():
    e = DictionaryEntry("A B", valid_from="2020-01-01", valid_to="2022-01-01")
    assert e.valid_on("2020-01-01") and e.valid_on("2021-12-31")
    assert not e.valid_on("2022-01-01") and not e.valid_on("2019-12-31")
    assert e.valid_on("2021") and e.valid_on("2021-06")  # a coarser date is compared at its precision
    assert not e.valid_on(None)
    assert DictionaryEntry("A B").valid_on(None) and DictionaryEntry("A B").valid_on("1999-01-01")


# -- across documents ----------------------------------------------------------------------------

def test_memory_links_a_bare_surname_to_the_one_known_person():
    known = Actor("ines-duarte.prt", "Ines Duarte", "PRT", "GOV", "person", office="Foreign Minister")
    memory = ActorMemory([known])
    assert memory.match(Actor("duarte", "Duarte", None, None, "person"), frozenset({"PRT"})) == known
    assert memory.match(Actor("duarte", "Duarte", None, None, "person"), frozenset({"ESP"})) is None  # no Portugal
    assert memory.match(Actor("ines-duart", "Ines Duart", None, None, "person")) == known  # a typo
    assert memory.match(Actor("duart", "Duart", None, None, "person"), frozenset({"PRT"})) is None  # bare: no typo
    assert memory.match(Actor("ines-duarte", "Ines Duarte", None, "SPT", "person")) is None  # another sector
    assert memory.match(Actor("paulo-duarte", "Paulo Duarte", None, None, "person")) is None  # a namesake
    assert memory.match(Actor("duarte.bra", "Duarte", "BRA", None, "person")) is None  # another country
    memory.learn([Actor("rui-duarte", "Rui Duarte", None, None, "person")])
    assert memory.match(Actor("duarte", "Duarte", None, None, "person"), frozenset({"PRT"})) is None  # two Duartes


def test_a_person_learned_in_one_document_resolves_bare_mentions_in_others(tmp_path, pipeline):
    from dragoman.pipeline import run
    from dragoman.settings import Settings
    from dragoman.store import Store

    first = HEADLINE + "Portuguese Foreign Minister Ines Duarte met Spanish officials in Madrid."
    second = HEADLINE + "Mrs. Duarte later criticised the plan in Lisbon."  # Lisbon: Portugal is named
    later = HEADLINE + "Ines Duarte said the talks would go on."
    for n, text in enumerate((first, second), 1):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{n}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        run([str(tmp_path / "in")], Settings(db=db, quiet=True, published="2024-05-08"), store, pipeline=pipeline)
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "3.txt").write_text(later, encoding="utf-8")
    with Store(db) as store:  # a second run learns from the store
        run([str(tmp_path / "later")], Settings(db=db, quiet=True, published="2024-05-09"), store, pipeline=pipeline)
    with Store(db, read_only=True) as store:
        mentions = list(store.rows("mentions", ("doc_id", "actor_id", "text")))
        actors = {r[0]: r for r in store.rows("actors", ("actor_id", "name", "country", "sector", "documents"))}
    ids = {a for _, a, t in mentions if "Duart" in t}
    assert ids == {"ines-duarte.prt"}
    assert actors["ines-duarte.prt"][1:] == ("Ines Duarte", "PRT", "GOV", 3)


def test_the_events_of_a_person_placed_by_another_document_are_kept(tmp_path, pipeline):
    """A name the document cannot place ("Rodrigo Paredes condemned ...") is coded, kept while the
    documents are linked, and dropped only if no document places it."""
    from dragoman.pipeline import run
    from dragoman.settings import Settings
    from dragoman.store import Store

    first = HEADLINE + "Chilean Foreign Ministry spokesman Rodrigo Paredes spoke in Santiago."
    second = HEADLINE + "Rodrigo Paredes condemned Bolivia on Tuesday, saying Chile would respond."
    alone = HEADLINE + "Alberto Montero condemned Bolivia on Tuesday, saying Chile would respond."
    (tmp_path / "in").mkdir()
    for n, text in enumerate((first, second, alone), 1):
        (tmp_path / "in" / f"{n}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        run([str(tmp_path / "in")], Settings(db=db, quiet=True, published="2024-05-08"), store, pipeline=pipeline)
    with Store(db, read_only=True) as store:
        events = list(store.events())
    accuse = {(e.source.name, e.source.country, e.target.country) for e in events if e.type == "ACCUSE"}
    assert accuse == {("Rodrigo Paredes", "CHL", "BOL")}  # no event for the unplaced Montero


# -- boilerplate and offsets --------------------------------------------------------------------------

def test_a_name_only_in_boilerplate_is_not_an_actor(pipeline):
    text = (HEADLINE + "Peruvian President Lucia Quispe met Bolivian officials in La Paz on Monday to discuss "
            "trade along the shared border.\n\nThe two sides agreed to meet again in June.\n\n"
            "Recent Posts\n\nMarta Ferreyra wins cycling title\n\nStorm hits coast\n\nLeave a Reply\n\n"
            "Your email address will not be published.")
    c = code(pipeline, text)
    assert not any("Ferreyra" in a.name for a in c.actors)
    assert any(a.name == "Lucia Quispe" for a in c.actors)


def test_every_mention_points_at_its_text(pipeline):
    text = HEADLINE + textwrap.dedent("""\
        NAIROBI - Kenyan President Daniel Otieno, a former lawyer, met Ugandan officials. Otieno said
        the Kremlin and the U.S. had been told. He left for Addis Ababa, where Ethiopian troops waited.""")
    c = code(pipeline, text)
    assert len(c.mentions) >= 6
    for m in c.mentions:
        assert text[m.start : m.end] == m.text


# -- the outlet's country, undated titles, nations, pairs -------------------------------------------

def test_a_national_outlet_leaves_its_own_officials_unmarked(pipeline):
    text = HEADLINE + ("Home Secretary Fiona Marsh criticised the plan on Monday. "
                       "Former Cabinet minister Owen Pryce agreed with her.")
    british = code(pipeline, text, outlet="BBC News")
    assert actor_of(british, "Fiona Marsh").country == "GBR"
    assert actor_of(british, "Owen Pryce").country == "GBR"
    # by web address too, and an unknown outlet gives no country
    assert actor_of(code(pipeline, text, url="https://www.example.co.uk/news/1"), "Fiona Marsh").country == "GBR"
    assert actor_of(code(pipeline, text, outlet="Some Wire Service"), "Fiona Marsh").country is None


def test_an_outlet_does_not_give_a_post_its_country_lacks(pipeline):
    # Britain has no president: an unmarked "President X" in a British outlet is someone else's.
    c = code(pipeline, HEADLINE + "President Alain Kouassi ordered an inquiry. Prime Minister Jane Hollis "
             "welcomed it.", outlet="BBC News")
    assert actor_of(c, "Alain Kouassi").country is None
    assert actor_of(c, "Jane Hollis").country == "GBR"


def test_an_undated_title_and_surname_take_the_country_every_listed_holder_shares(pipeline):
    # Both Presidents Bush were American: in an undated text about the US, "President Bush" is.
    c = code(pipeline, HEADLINE + "President Bush spoke about the US economy.", published=None)
    assert actor_of(c, "Bush").country == "USA"
    # ... but not when the text never names the United States
    assert actor_of(code(pipeline, HEADLINE + "President Bush spoke about the economy.", published=None),
                    "Bush").country is None


@pytest.mark.parametrize("sentence,mention,country", [
    ("The Spanish have put their navy on alert.", "Spanish", "ESP"),
    ("The Dutch said they would send a frigate.", "Dutch", "NLD"),
    ("Officials said the Chinese had protested.", "Chinese", "CHN"),
])
def test_the_plural_demonym_names_the_nation(pipeline, sentence, mention, country):
    # a group of that country: a government, a people or a team, which the text decides
    a = actor_of(code(pipeline, HEADLINE + sentence), mention)
    assert (a.country, a.kind) == (country, "group")


def test_their_forces_are_the_forces_of_the_subject(pipeline):
    c = code(pipeline, HEADLINE + "The Norwegians moved their troops to the border.")
    assert actor_of(c, "troops").country == "NOR"


def test_a_pair_is_the_two_states_named_together_not_any_two(pipeline):
    c = code(pipeline, HEADLINE + "Talks between the alliance led by Egypt and Jordan on water in Sudan "
             "and nearby states showed the close ties between the two countries.")
    assert {a.country for m in c.mentions if m.text == "the two countries"
            for a in c.actors if a.actor_id == m.actor_id} == {"EGY", "JOR"}


def test_ministers_of_both_countries_are_of_no_single_country(pipeline):
    c = code(pipeline, HEADLINE + "Chile and Peru signed a treaty. It followed a meeting of defence ministers "
             "of both countries.", outlet="BBC News")
    assert actor_of(c, "defence ministers").country is None


def test_an_outlet_gives_no_country_in_a_story_about_another_country(pipeline):
    text = HEADLINE + ("Germany's economy slowed, German data showed. Berlin blamed weak exports from Germany. "
                       "Economy Minister Klaus Brenner said Germany would recover.")
    assert actor_of(code(pipeline, text, outlet="BBC News"), "Klaus Brenner").country is None
