"""The words text search indexes and looks for, cut the same way for both stores.

A search term matches where it occurs inside a word of the subject or of a message
(case-folded; words are what whitespace separates, punctuation included, so `0%` finds
`100%` and not `1000`). Each word is therefore indexed as all of its suffixes, and a
term is looked up as a prefix of one. Python cuts the words, not the database, so that
PostgreSQL (`tsvector`, GIN) and SQLite (FTS5) index exactly the same tokens and give the
same answers; each token is the hex of its UTF-8 bytes, so that neither store's parser
splits, stems or folds it again, and no user text ever reaches a query's syntax.
"""

from __future__ import annotations

from collections.abc import Iterable

WORD_MAX = 32
"""Characters of a word that are indexed (a longer term is looked up by its start)."""
TOKENS_MAX = 4_000
"""Tokens kept per ticket: a bound on the row and its index entries (PostgreSQL refuses
a `tsvector` over 1 MB); text past it is not found."""


def tokens(text: str) -> list[str]:
    """The distinct tokens of a text, in the order they first occur."""
    found: dict[str, None] = {}
    for word in text.casefold().split():
        word = word[:WORD_MAX]
        for start in range(len(word)):
            found.setdefault(word[start:].encode().hex())
    return list(found)


def merged(stored: str, text: str) -> str:
    """The stored tokens (space-separated) with a new text's added, within the bound."""
    known = dict.fromkeys(stored.split())
    for token in tokens(text):
        if len(known) >= TOKENS_MAX:
            break
        known.setdefault(token)
    return " ".join(known)


def terms(query: str) -> list[str]:
    """What a search looks for: each whitespace-separated term, as the token prefix
    it must begin; every term must match."""
    return list(dict.fromkeys(w[:WORD_MAX].encode().hex() for w in query.casefold().split()))


def indexed(texts: Iterable[str]) -> str:
    stored = ""
    for text in texts:
        stored = merged(stored, text)
    return stored
