"""Scoring a transcript (or a typed answer) against the reference text. Pure functions: no Django.

Both texts are normalized the same way first (case, punctuation, whitespace, the many apostrophes
Uzbek is typed with, and Uzbek Cyrillic transliterated to Latin), so a student reading a Cyrillic
reference and a model answering in Latin script still compare word for word."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import jiwer
from rapidfuzz import fuzz

# ʻ (U+02BB, the official oʻ/gʻ sign), ʼ (U+02BC, tutuq belgisi), ’ ‘ ` ´ and the ASCII quote all mean
# the same thing in typed Uzbek; they become one ASCII apostrophe.
APOSTROPHES = "\u02bb\u02bc\u2019\u2018`\u00b4\u02b9\u2032'"
APOSTROPHE = "'"
_APOSTROPHE_TABLE = str.maketrans({ch: APOSTROPHE for ch in APOSTROPHES})

_CYR_VOWELS = set("аеёиоуўэюяы")
_CYR_SIMPLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g'", "д": "d", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ў": "o'", "ф": "f", "х": "x", "ҳ": "h", "ч": "ch",
    "ш": "sh", "щ": "sh", "ъ": APOSTROPHE, "ь": "", "ы": "i", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# Substitutions whose words are this similar (rapidfuzz ratio, 0..100) count as half an error:
# "kitob" read as "kitop" is a near miss, not a different word.
NEAR_MISS_RATIO = 80.0
NEAR_MISS_COST = 0.5


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_CYR_TABLE = str.maketrans(_CYR_SIMPLE | {"ц": "s", "е": "e"})
# е is "ye" at a word's start or after a vowel or a sign; ц is "ts" after a vowel (else "s").
_CYR_YE = re.compile("(?<![^\\W\\d_])е|(?<=[аеёиоуўэюяыъь])е")
_CYR_TS = re.compile("(?<=[аеёиоуўэюяы])ц")


def transliterate_uz(text: str) -> str:
    """Uzbek Cyrillic → Latin (official 1995 alphabet). Expects lower case; other characters pass.

    е is "ye" at the start of a word or after a vowel (ер → yer, поезд → poyezd), else "e";
    ц is "ts" after a vowel (милиция → militsiya), else "s" (цирк → sirk)."""
    if not _CYRILLIC.search(text):
        return text
    text = _CYR_TS.sub("ts", _CYR_YE.sub("ye", text))
    return text.translate(_CYR_TABLE)


def _clean_token(token: str) -> str:
    """Apostrophes inside a word stay (ma'no, qo'l), and so does one after o/g at its end (bog');
    leading ones, and trailing ones of a word that opened with a quote, were quotation marks."""
    quoted = token.startswith(APOSTROPHE)
    token = token.lstrip(APOSTROPHE)
    body = token.rstrip(APOSTROPHE)
    if body != token and not quoted and body[-1:] in ("o", "g"):
        body += APOSTROPHE
    return re.sub("'+", APOSTROPHE, body)


_SEPARATORS = re.compile(r"[^\w']+|_+")


def _strip_punctuation(text: str) -> str:
    # Everything that is not a letter, digit or apostrophe separates words.
    tokens = _SEPARATORS.sub(" ", text).split()
    cleaned = (_clean_token(t) if APOSTROPHE in t else t for t in tokens)
    return " ".join(t for t in cleaned if t)


def normalize(text: str) -> str:
    """Lower case, one apostrophe, Latin script, no punctuation, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHE_TABLE).lower()
    text = transliterate_uz(text)
    return _strip_punctuation(text)


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal
    wer: float
    accuracy: float  # 0..1 after near-miss credit
    diff: dict = field(default_factory=dict)  # {"missing": [...], "extra": [...], "substituted": [...]}


# Larger differing regions keep jiwer's own alignment (the weighted one is quadratic in Python).
MAX_REALIGN_CELLS = 2500


def _sub_cost(expected: str, got: str) -> float:
    if expected == got:
        return 0.0
    return NEAR_MISS_COST if fuzz.ratio(expected, got) >= NEAR_MISS_RATIO else 1.0


def _realign(refs: list[str], hyps: list[str]) -> list[tuple[int | None, int | None]]:
    """Weighted edit alignment of one differing region: pairs (ref index | None, hyp index | None).
    Similar words pair up as substitutions, so "kitob o'qiyman" vs "kitop oqiyman extra" reads as two
    near misses and one extra word rather than an arbitrary shift."""
    n, m = len(refs), len(hyps)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = float(i)
    for j in range(1, m + 1):
        cost[0][j] = float(j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + _sub_cost(refs[i - 1], hyps[j - 1]),
                cost[i - 1][j] + 1.0,
                cost[i][j - 1] + 1.0,
            )
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + _sub_cost(refs[i - 1], hyps[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1.0:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]


def _regions(alignment) -> list[tuple[int, int, int, int]]:
    """Merge jiwer's consecutive non-equal chunks into regions (ref start, ref end, hyp start, hyp end)."""
    regions: list[list[int]] = []
    last_equal = True
    for chunk in alignment:
        if chunk.type == "equal":
            last_equal = True
            continue
        if last_equal:
            regions.append([chunk.ref_start_idx, chunk.ref_end_idx, chunk.hyp_start_idx, chunk.hyp_end_idx])
        else:
            regions[-1][1], regions[-1][3] = chunk.ref_end_idx, chunk.hyp_end_idx
        last_equal = False
    return [tuple(r) for r in regions]


def _region_pairs(refs, hyps, rs, hs) -> list[tuple[int | None, int | None]]:
    if len(refs) * len(hyps) <= MAX_REALIGN_CELLS:
        return [
            (None if a is None else rs + a, None if b is None else hs + b) for a, b in _realign(refs, hyps)
        ]
    k = min(len(refs), len(hyps))  # too big to realign: pair in order, the rest missing or extra
    pairs = [(rs + i, hs + i) for i in range(k)]
    pairs += [(rs + i, None) for i in range(k, len(refs))]
    pairs += [(None, hs + i) for i in range(k, len(hyps))]
    return pairs


def word_diff(reference: str, hypothesis: str) -> tuple[dict, float, float]:
    """Word-level diff of two NORMALIZED texts: (diff, wer, error cost with near-miss credit).
    Positions are word indexes in the reference (missing, substituted) or the hypothesis (extra)."""
    ref_words, hyp_words = reference.split(), hypothesis.split()
    diff: dict[str, list] = {"missing": [], "extra": [], "substituted": []}
    if not ref_words or not hyp_words:
        diff["missing"] = [{"word": w, "position": i} for i, w in enumerate(ref_words)]
        diff["extra"] = [{"word": w, "position": i} for i, w in enumerate(hyp_words)]
        return diff, (1.0 if ref_words or hyp_words else 0.0), float(len(ref_words) + len(hyp_words))
    out = jiwer.process_words(reference, hypothesis)
    cost = 0.0
    for rs, re_, hs, he in _regions(out.alignments[0]):
        for r, h in _region_pairs(ref_words[rs:re_], hyp_words[hs:he], rs, hs):
            if h is None:
                diff["missing"].append({"word": ref_words[r], "position": r})
                cost += 1.0
            elif r is None:
                diff["extra"].append({"word": hyp_words[h], "position": h})
                cost += 1.0
            elif ref_words[r] != hyp_words[h]:
                step = _sub_cost(ref_words[r], hyp_words[h])
                diff["substituted"].append(
                    {"expected": ref_words[r], "got": hyp_words[h], "position": r, "near_miss": step < 1.0}
                )
                cost += step
    return diff, float(out.wer), cost


def score_text(reference: str, hypothesis: str, max_score: int | Decimal) -> ScoreResult:
    """Score `hypothesis` against `reference` on a 0..max_score scale (two decimals).

    accuracy = 1 - errors / reference words, where a near-miss substitution costs half an error;
    an exact match (after normalization) scores max_score."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    diff, wer, cost = word_diff(ref, hyp)
    n = len(ref.split())
    accuracy = max(0.0, 1.0 - min(cost, n) / n) if n else 0.0
    score = (Decimal(max_score) * Decimal(str(accuracy))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return ScoreResult(score=score, wer=round(wer, 4), accuracy=round(accuracy, 4), diff=diff)
