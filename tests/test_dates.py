"""Dates: absolute date strings, temporal expressions, their resolution, and event dates.

Expected dates were worked out by hand from a calendar. Each row names the weekday of its
publication date, and the test checks that weekday with `datetime`, so a wrong calendar
assumption fails loudly instead of silently changing what the row tests.
"""

from __future__ import annotations

from datetime import date

import pytest

from dragoman.dates import (
    ANAPHORIC,
    DATE,
    MONTH,
    MONTH_DAY,
    RELATIVE,
    WEEKDAY,
    event_date,
    find_time_expressions,
    parse_absolute_date,
    resolve,
)
from dragoman.schema import EventDate


def check_weekday(published: str, weekday: str) -> None:
    assert date.fromisoformat(published).strftime("%A") == weekday, f"{published} is not a {weekday}"


def only_expression(sentence: str, expected_text: str):
    found = find_time_expressions(sentence)
    assert [e.text for e in found] == [expected_text], sentence
    return found[0]


def resolved(sentence: str, expected_text: str, published: str | None, tense: str | None = None) -> tuple:
    d = resolve(only_expression(sentence, expected_text), published, tense)
    return d.value, d.precision


# --- parse_absolute_date -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("March 7, 2021 - 21:54", ("2021-03-07", "day")),
        ("14 July 2018", ("2018-07-14", "day")),
        ("Thursday, 21 February 2019", ("2019-02-21", "day")),  # 21 Feb 2019 was a Thursday
        ("2021-03-07", ("2021-03-07", "day")),
        ("2021-03-07T10:00:00Z", ("2021-03-07", "day")),
        ("2021-03-07T23:59:59.123+03:30", ("2021-03-07", "day")),
        ("2021/03/07", ("2021-03-07", "day")),
        ("July 2018", ("2018-07", "month")),
        ("2018-07", ("2018-07", "month")),
        ("2018", ("2018", "year")),
        ("Sept. 12, 2019", ("2019-09-12", "day")),
        ("MARCH 7, 2021", ("2021-03-07", "day")),
        ("7th of March, 2021", ("2021-03-07", "day")),
        ("Published: Sun 7 Mar 2021 10.00 GMT", ("2021-03-07", "day")),
        ("Updated 10:00 AM EST, Sun March 7, 2021", ("2021-03-07", "day")),
        ("March 7, 2021 at 9:54 p.m. ET", ("2021-03-07", "day")),
        ("  Mar 7, 2021 | 21:54 IST ", ("2021-03-07", "day")),
        # numeric dates: only when one of day/month and month/day is impossible, or both agree
        ("13/03/2021", ("2021-03-13", "day")),
        ("03/13/2021", ("2021-03-13", "day")),
        ("07/07/2021", ("2021-07-07", "day")),
        ("07/03/2021", None),
        # not one date
        ("Latest news", None),
        ("The talks began on March 7, 2021", None),
        ("2018 people", None),
        ("2018 news", None),
        ("March 7, 2021 and March 8, 2021", None),
        ("", None),
        # impossible or inconsistent
        ("2021-02-30", None),
        ("February 30, 2021", None),
        ("Friday, 21 February 2019", None),  # it was a Thursday: not the date we think it is
        ("1500", None),  # a bare number is a year only from 1900 to 2099
    ],
)
def test_parse_absolute_date(text, expected):
    assert parse_absolute_date(text) == expected


def test_parse_absolute_date_weekday_row_is_right():
    check_weekday("2019-02-21", "Thursday")


# --- find_time_expressions: what is found, with offsets --------------------------------------------

def test_offsets_are_document_offsets():
    sentence = "Putin met Rouhani on Saturday and again on May 8, 2021."
    found = find_time_expressions(sentence, offset=100)
    assert [(e.text, e.kind) for e in found] == [("on Saturday", WEEKDAY), ("on May 8, 2021", DATE)]
    for e in found:
        assert sentence[e.start - 100 : e.end - 100] == e.text
    assert found[0].start == 100 + sentence.index("on Saturday")


def test_longest_expression_wins():
    e = only_expression("He arrived on Thursday, Feb. 21, 2019, in Moscow.", "on Thursday, Feb. 21, 2019")
    assert (e.kind, e.year, e.month, e.day) == (DATE, 2019, 2, 21)


@pytest.mark.parametrize(
    "sentence, text, kind",
    [
        ("The ministers met on Saturday in Geneva.", "on Saturday", WEEKDAY),
        ("At Saturday's meeting the envoys disagreed.", "Saturday's", WEEKDAY),
        ("In a Tuesday interview, the minister said so.", "Tuesday", WEEKDAY),
        ("The ministry said Wednesday that it would respond.", "Wednesday", WEEKDAY),
        ("Troops crossed the border late Friday night.", "late Friday night", WEEKDAY),
        ("Yesterday the embassy closed.", "Yesterday", RELATIVE),
        ("The talks resume tomorrow.", "tomorrow", RELATIVE),
        ("The envoy left last week.", "last week", RELATIVE),
        ("Elections are due early next year.", "early next year", RELATIVE),
        ("The deal was signed late last year.", "late last year", RELATIVE),
        ("He resigned earlier this month.", "earlier this month", RELATIVE),
        ("Protests began in February.", "in February", MONTH),
        ("Protests began in February 2021.", "in February 2021", DATE),
        ("The vote was held on May 8.", "on May 8", MONTH_DAY),
        ("The vote was held 8 May.", "8 May", MONTH_DAY),
        ("The vote was held on the 8th of May.", "on the 8th of May", MONTH_DAY),
        ("The treaty was signed in 2014.", "in 2014", DATE),
        ("Since 2015 the border has been closed.", "Since 2015", DATE),
        ("Ukraine never accepted the 2014 annexation.", "2014", DATE),
        ("A 1990 treaty was cited.", "1990", DATE),
        ("Russia's 2014 annexation of Crimea", "2014", DATE),
        ("The army withdrew in mid-2019.", "in mid-2019", DATE),
        ("The embassy reopened a day earlier.", "a day earlier", ANAPHORIC),
        ("The embassy reopened the next day.", "the next day", ANAPHORIC),
        ("The embassy reopened two days ago.", "two days ago", "ago"),
        ("Casualties rose over the past two weeks.", "over the past two weeks", "window"),
        ("He last visited Tehran last April.", "last April", MONTH),
        ("Talks will end by the end of March.", "by the end of March", MONTH),
        ("The February vote was annulled.", "February", MONTH),
        ("In 2014 protests erupted across the country.", "In 2014", DATE),
    ],
)
def test_finds(sentence, text, kind):
    assert only_expression(sentence, text).kind == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "They may go to Geneva if the talks fail.",  # "may" the verb
        "May God protect the nation, the cleric said.",  # "May" at the start, no date context
        "Theresa May said the talks had failed.",  # a name
        "Organisers expect 2014 people at the rally.",  # a count: digits before a plural noun
        "The clashes resulted in 2014 deaths.",
        "The meeting ended at 12:30 p.m. local time.",  # a clock time
        "Police blocked the march on the capital.",  # "march" the noun
        "March on the capital, the opposition urged.",  # capitalised, but no date context
        "The Women's March drew thousands.",
        "Black Friday sales fell sharply.",  # a holiday, not a weekday
        "The Sunday Times reported the deal.",  # a newspaper
        "Russia Today reported the deal.",  # an outlet, not "today"
        "The 2014-15 season was cancelled.",  # a season range is not one year
        "He paid $2014 for the permit.",
        "Turnout was 2014, officials said.",  # no lead-in: a bare number is not a year
        "The 1850 families were moved.",  # a modifier year must be 1900-2099
        "April Ryan asked the question.",  # a name
    ],
)
def test_false_positives(sentence):
    assert find_time_expressions(sentence) == []


def test_the_may_in_a_sentence_that_also_has_a_date():
    assert [e.text for e in find_time_expressions("They may meet again on May 8.")] == ["on May 8"]


# --- resolve: one table per family -----------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, text, published, weekday, tense, expected",
    [
        # most recent such day on or before publication (past), next on or after (future)
        ("They met on Saturday.", "on Saturday", "2021-03-07", "Sunday", None, "2021-03-06"),
        ("They met on Sunday.", "on Sunday", "2021-03-07", "Sunday", "past", "2021-03-07"),
        ("They met on Monday.", "on Monday", "2021-03-07", "Sunday", None, "2021-03-01"),
        ("At Saturday's meeting they agreed.", "Saturday's", "2021-03-07", "Sunday", None, "2021-03-06"),
        ("In a Tuesday interview he said so.", "Tuesday", "2021-03-07", "Sunday", None, "2021-03-02"),
        ("The ministry said Wednesday it agreed.", "Wednesday", "2021-03-07", "Sunday", None, "2021-03-03"),
        ("Shelling resumed late Friday.", "late Friday", "2021-03-07", "Sunday", None, "2021-03-05"),
        ("They met last Sunday.", "last Sunday", "2021-03-07", "Sunday", None, "2021-02-28"),
        ("The minister spoke on Thursday.", "on Thursday", "2021-03-04", "Thursday", None, "2021-03-04"),
        ("The minister spoke on Friday.", "on Friday", "2021-03-04", "Thursday", None, "2021-02-26"),
        ("He will visit on Wednesday.", "on Wednesday", "2018-07-10", "Tuesday", "future", "2018-07-11"),
        ("He will visit on Tuesday.", "on Tuesday", "2018-07-10", "Tuesday", "future", "2018-07-10"),
        ("He will visit on Monday.", "on Monday", "2018-07-10", "Tuesday", "future", "2018-07-16"),
        ("He will visit next Tuesday.", "next Tuesday", "2018-07-10", "Tuesday", "future", "2018-07-17"),
    ],
)
def test_resolve_weekdays(sentence, text, published, weekday, tense, expected):
    check_weekday(published, weekday)
    assert resolved(sentence, text, published, tense) == (expected, "day")


@pytest.mark.parametrize(
    "sentence, text, published, weekday, expected",
    [
        ("Yesterday the embassy closed.", "Yesterday", "2021-03-01", "Monday", "2021-02-28"),
        ("The embassy closed today.", "today", "2021-03-01", "Monday", "2021-03-01"),
        ("The embassy closes tomorrow.", "tomorrow", "2021-03-01", "Monday", "2021-03-02"),
        ("It closed the day before yesterday.", "the day before yesterday", "2021-03-01", "Monday", "2021-02-27"),
        ("They said: The day after tomorrow.", "The day after tomorrow", "2021-03-01", "Monday", "2021-03-03"),
        ("He said so. Today the embassy closed.", "Today", "2021-03-01", "Monday", "2021-03-01"),
        ("Rockets fell last night.", "last night", "2021-03-01", "Monday", "2021-02-28"),
        ("The embassy closed two days ago.", "two days ago", "2021-03-01", "Monday", "2021-02-27"),
        ("Yesterday the embassy closed.", "Yesterday", "2020-03-01", "Sunday", "2020-02-29"),  # leap year
    ],
)
def test_resolve_day_words(sentence, text, published, weekday, expected):
    check_weekday(published, weekday)
    assert resolved(sentence, text, published) == (expected, "day")


@pytest.mark.parametrize(
    "sentence, text, published, weekday, tense, expected",
    [
        ("Protests began in February.", "in February", "2021-03-07", "Sunday", None, ("2021-02", "month")),
        ("Talks will start in February.", "in February", "2021-03-07", "Sunday", "future", ("2022-02", "month")),
        ("Protests began in March.", "in March", "2021-03-07", "Sunday", None, ("2021-03", "month")),
        ("Talks will start in March.", "in March", "2021-03-07", "Sunday", "future", ("2021-03", "month")),
        ("Protests began in April.", "in April", "2021-03-07", "Sunday", None, ("2020-04", "month")),
        ("Talks will start in April.", "in April", "2021-03-07", "Sunday", "future", ("2021-04", "month")),
        ("He visited last April.", "last April", "2021-03-07", "Sunday", None, ("2020-04", "month")),
        ("He visited last March.", "last March", "2021-03-07", "Sunday", None, ("2020-03", "month")),
        ("He will visit next March.", "next March", "2021-03-07", "Sunday", "future", ("2022-03", "month")),
        ("Fighting flared in mid-December.", "in mid-December", "2021-01-15", "Friday", None, ("2020-12", "month")),
        ("The deal was signed late last year.", "late last year", "2021-03-07", "Sunday", None, ("2020", "year")),
        ("Elections are due early next year.", "early next year", "2021-03-07", "Sunday", "future", ("2022", "year")),
        ("He resigned earlier this month.", "earlier this month", "2021-03-07", "Sunday", None, ("2021-03", "month")),
        ("He resigned last month.", "last month", "2021-01-15", "Friday", None, ("2020-12", "month")),
        ("He will resign next month.", "next month", "2021-01-15", "Friday", "future", ("2021-02", "month")),
        ("Exports fell this year.", "this year", "2021-03-07", "Sunday", None, ("2021", "year")),
        ("The envoy left a year ago.", "a year ago", "2021-03-07", "Sunday", None, ("2020", "year")),
        ("The envoy left two months ago.", "two months ago", "2021-03-07", "Sunday", None, ("2021-01", "month")),
        # Mar 7 - 21 days = Feb 14, give or take three days: all in February
        ("The envoy left three weeks ago.", "three weeks ago", "2021-03-07", "Sunday", None, ("2021-02", "month")),
        # two to six days back from Mar 7: Mar 1 - Mar 5
        ("The envoy left a few days ago.", "a few days ago", "2021-03-07", "Sunday", None, ("2021-03", "month")),
    ],
)
def test_resolve_months_years_and_ago(sentence, text, published, weekday, tense, expected):
    check_weekday(published, weekday)
    assert resolved(sentence, text, published, tense) == expected


@pytest.mark.parametrize(
    "sentence, text, published, weekday, tense, expected",
    [
        # a month and day without a year: the year that puts it on or before (past) / on or after (future)
        ("The vote was held on May 8.", "on May 8", "2021-03-07", "Sunday", None, "2020-05-08"),
        ("The vote will be held on May 8.", "on May 8", "2021-03-07", "Sunday", "future", "2021-05-08"),
        ("The vote was held on March 7.", "on March 7", "2021-03-07", "Sunday", None, "2021-03-07"),
        ("The vote was held 8 March.", "8 March", "2021-03-07", "Sunday", None, "2020-03-08"),
        ("The vote will be held 8 March.", "8 March", "2021-03-07", "Sunday", "future", "2021-03-08"),
        ("The vote was held on Feb. 29.", "on Feb. 29", "2021-03-07", "Sunday", None, "2020-02-29"),
    ],
)
def test_resolve_month_day(sentence, text, published, weekday, tense, expected):
    check_weekday(published, weekday)
    assert resolved(sentence, text, published, tense) == (expected, "day")


@pytest.mark.parametrize(
    "sentence, text, expected",
    [
        ("The vote was held on May 8, 2021.", "on May 8, 2021", ("2021-05-08", "day")),
        ("The vote was held on 14 July 2018.", "on 14 July 2018", ("2018-07-14", "day")),
        ("He arrived on Thursday, Feb. 21, 2019.", "on Thursday, Feb. 21, 2019", ("2019-02-21", "day")),
        ("Protests began in February 2021.", "in February 2021", ("2021-02", "month")),
        ("Talks were held May 8-10, 2021.", "May 8-10, 2021", ("2021-05", "month")),  # a range: the month
        ("Posted March 7, 2021 - 21:54 by staff", "March 7, 2021", ("2021-03-07", "day")),  # a time, not a range
        ("The treaty was signed in 2014.", "in 2014", ("2014", "year")),
        ("Ukraine never accepted the 2014 annexation.", "2014", ("2014", "year")),
        ("The border has been closed since 2015.", "since 2015", ("2015", "year")),
        ("The army withdrew in late 2019.", "in late 2019", ("2019", "year")),
    ],
)
@pytest.mark.parametrize("published", ["2030-01-01", None])
def test_absolute_dates_need_no_publication_date(sentence, text, expected, published):
    d = resolve(only_expression(sentence, text), published, "future")
    assert (d.value, d.precision, d.source) == (*expected, "sentence")


@pytest.mark.parametrize(
    "sentence, text, published, weekday, expected",
    [
        # "last week" covers Monday- and Sunday-based weeks and the past seven days:
        # from Sun Mar 7 to Tue Mar 16, all in March
        ("The envoy left last week.", "last week", "2021-03-17", "Wednesday", ("2021-03", "month")),
        # from Sun Feb 21 to Tue Mar 2: two months of one year
        ("The envoy left last week.", "last week", "2021-03-03", "Wednesday", ("2021", "year")),
        # from Sun Dec 27 to Mon Jan 4: two years, nothing honest to say
        ("The envoy left last week.", "last week", "2021-01-05", "Tuesday", (None, None)),
        ("The envoy returns next week.", "next week", "2021-03-17", "Wednesday", ("2021-03", "month")),
        # this week so far, published on a Monday: Sun Feb 28 (Sunday-based week) to Mon Mar 1
        ("The envoy arrived this week.", "this week", "2021-03-01", "Monday", ("2021", "year")),
        ("Casualties rose over the past week.", "over the past week", "2021-03-17", "Wednesday", ("2021-03", "month")),
        # Jan 17 - Mar 17
        (
            "Casualties rose over the past two months.",
            "over the past two months",
            "2021-03-17",
            "Wednesday",
            ("2021", "year"),
        ),
        # on a Sunday, "last weekend" is the weekend before: Feb 27-28
        ("They met last weekend.", "last weekend", "2021-03-07", "Sunday", ("2021-02", "month")),
    ],
)
def test_resolve_weeks_to_what_is_certain(sentence, text, published, weekday, expected):
    check_weekday(published, weekday)
    assert resolved(sentence, text, published) == expected


@pytest.mark.parametrize(
    "sentence, text",
    [
        ("They met on Saturday.", "on Saturday"),
        ("Yesterday the embassy closed.", "Yesterday"),
        ("Protests began in February.", "in February"),
        ("The deal was signed late last year.", "late last year"),
        ("The vote was held on May 8.", "on May 8"),
        ("The envoy left two days ago.", "two days ago"),
    ],
)
def test_relative_without_publication_date_is_unresolved(sentence, text):
    e = only_expression(sentence, text)
    assert resolve(e, None) == EventDate(None, None, "unresolved", text, e.start, e.end)


def test_anaphoric_is_never_resolved():
    e = only_expression("The embassy reopened a day earlier.", "a day earlier")
    assert resolve(e, "2021-03-07") == EventDate(None, None, "unresolved", "a day earlier", e.start, e.end)


@pytest.mark.parametrize(
    "sentence, text, published, expected",
    [
        ("He resigned last year.", "last year", "2021-03", ("2020", "year")),
        ("Protests began in February.", "in February", "2021-03", ("2021-02", "month")),
        # any Saturday on or before a day in March 2021 (Feb 27 - Mar 27) is in 2021
        ("They met on Saturday.", "on Saturday", "2021-03", ("2021", "year")),
        # Dec 31, 2020 - Jan 30, 2021
        ("Yesterday the embassy closed.", "Yesterday", "2021-01", (None, None)),
        # February 2020 or February 2021
        ("Protests began in February.", "in February", "2021", (None, None)),
        ("He resigned last year.", "last year", "2021", ("2020", "year")),
    ],
)
def test_coarse_publication_date_gives_only_what_it_can(sentence, text, published, expected):
    assert resolved(sentence, text, published) == expected


def test_bad_arguments_name_the_fix():
    e = only_expression("They met on Saturday.", "on Saturday")
    with pytest.raises(ValueError, match="07/03/2021.*YYYY-MM-DD.*parse_absolute_date"):
        resolve(e, "07/03/2021")
    with pytest.raises(ValueError, match="tense 'present'"):
        resolve(e, "2021-03-07", "present")


# --- event_date ------------------------------------------------------------------------------------

SENTENCE = "Putin, who met Rouhani on Monday, said on Wednesday that talks would continue."


@pytest.mark.parametrize(
    "trigger, expected",
    [("met", ("2021-03-01", "on Monday")), ("said", ("2021-03-03", "on Wednesday"))],
)
def test_event_date_takes_the_expression_closest_to_the_trigger(trigger, expected):
    check_weekday("2021-03-07", "Sunday")
    start = 500  # the sentence's offset in its document
    d = event_date(SENTENCE, start, start + SENTENCE.index(trigger), "2021-03-07", None)
    assert (d.value, d.text, d.precision, d.source) == (*expected, "day", "sentence")
    assert SENTENCE[d.start - start : d.end - start] == d.text


def test_event_date_future_tense():
    check_weekday("2018-07-10", "Tuesday")
    s = "Lavrov will travel to Tehran on Wednesday."
    d = event_date(s, 0, s.index("travel"), "2018-07-10", "future")
    assert (d.value, d.precision, d.source) == ("2018-07-11", "day", "sentence")


@pytest.mark.parametrize(
    "published, expected",
    [
        ("2021-03-07", EventDate("2021-03-07", "day", "publication")),
        ("2021-03", EventDate("2021-03", "month", "publication")),
        ("2021", EventDate("2021", "year", "publication")),
        (None, EventDate(None, None, "unresolved")),
    ],
)
def test_event_date_without_expression_falls_back_to_publication(published, expected):
    s = "The two leaders discussed regional security."
    assert event_date(s, 40, 40 + s.index("discussed"), published, None) == expected


def test_event_date_relative_expression_without_publication_date():
    s = "The two leaders met on Saturday."
    d = event_date(s, 10, 10 + s.index("met"), None, None)
    assert d == EventDate(None, None, "unresolved", "on Saturday", 10 + s.index("on Saturday"), 10 + len(s) - 1)
