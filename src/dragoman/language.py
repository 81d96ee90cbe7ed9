"""Language stage: is a cleaned document English? The English parser and lexicons read other
languages as noise (names everywhere, no events), so such a document is rejected with its
language named, never coded into nonsense.

Reads: a `CleanDocument` (its headline and kept paragraphs). Returns: None (English, or too
little text to tell), or a `Rejection` naming the language. The identifier is py3langid (a
naive Bayes model over byte n-grams, 97 languages, shipped in the package: nothing downloaded).
"""

from __future__ import annotations

import re

from .clean import article_text
from .schema import CleanDocument, Rejection

SAMPLE = 600  # characters read: enough to tell a language (BBC: all English at p > 0.998), 0.4 ms
MIN_LETTERS = 60  # fewer letters than this and nothing is said
CONFIDENCE = 0.95  # below this probability the document is coded as English
_LETTER = re.compile(r"[^\W\d_]")
FIX = ("dragoman codes English news: translate the article first, or pass --any-language to code it "
       "anyway (the results will be poor)")


class LanguageCheck:
    """Loaded once per pipeline (the model takes a fraction of a second to read)."""

    def __init__(self, languages: tuple[str, ...] = ("en",)):
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self.languages = languages
        self.identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def language(self, text: str) -> tuple[str, float] | None:
        """The ISO 639-1 code of `text`'s language and its probability; None for too little text."""
        sample = text[:SAMPLE]
        if len(_LETTER.findall(sample)) < MIN_LETTERS:
            return None
        code, probability = self.identifier.classify(sample)
        return code, float(probability)

    def __call__(self, cd: CleanDocument) -> Rejection | None:
        found = self.language(article_text(cd.document.text, cd.blocks, cd.document.title))
        if found is None or found[0] in self.languages or found[1] < CONFIDENCE:
            return None
        code, _ = found
        d = cd.document
        return Rejection(d.input, f"not English: the text is in {language_name(code)} ({code})", FIX,
                         record=d.record, content_hash=d.content_hash)


def language_name(code: str) -> str:
    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    return found.name if found is not None else code
