"""Word lists that more than one stage reads (the actors stage and the quotes stage)."""

from __future__ import annotations

# Verbs whose subject is the author of the words they report (lemmas): "X said", "X told reporters".
REPORTING_LEMMAS = frozenset(
    """say tell note add stress continue ascertain speculate write insist warn argue explain claim
    declare announce state remark comment observe emphasize emphasise underline underscore affirm
    assert reiterate repeat confirm deny acknowledge admit reply respond answer maintain contend
    tweet post recall predict urge ask suggest concede complain allege vow pledge promise""".split()
)
