from __future__ import annotations

from decimal import Decimal

import pytest

from modules.homework.scoring import normalize, score_text, transliterate_uz


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Salom,   DUNYO!  ", "salom dunyo"),
        ("Oʻzbekiston O‘zbekiston O’zbekiston O`zbekiston O'zbekiston", " ".join(["o'zbekiston"] * 5)),
        ("gʻisht g‘isht", "g'isht g'isht"),
        ("ma’no maʼno", "ma'no ma'no"),
        ("«Kitob» — 'bilim' manbai.", "kitob bilim manbai"),
        ("Bog' katta", "bog' katta"),
        ("", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("шаҳар", "shahar"),
        ("чой", "choy"),
        ("ғалла", "g'alla"),
        ("ўқувчи", "o'quvchi"),
        ("қизил", "qizil"),
        ("ёш", "yosh"),
        ("юлдуз", "yulduz"),
        ("яхши", "yaxshi"),
        ("ер", "yer"),
        ("поезд", "poyezd"),
        ("келди", "keldi"),
        ("цирк", "sirk"),
        ("милиция", "militsiya"),
        ("маъно", "ma'no"),
    ],
)
def test_uzbek_cyrillic_to_latin(cyrillic, latin):
    assert normalize(transliterate_uz(cyrillic)) == latin
    assert normalize(cyrillic.upper()) == latin


REFERENCE = "Men har kuni kitob o‘qiyman"


@pytest.mark.parametrize(
    ("hypothesis", "score", "missing", "extra", "substituted"),
    [
        ("Men har kuni kitob o‘qiyman", "10.00", [], [], []),
        ("men, har kuni kitob oʻqiyman!", "10.00", [], [], []),  # case, punctuation, apostrophe variant
        ("Мен ҳар куни китоб ўқийман", "10.00", [], [], []),  # Cyrillic vs Latin
        ("Men har kuni o'qiyman", "8.00", ["kitob"], [], []),  # one missing word of five
        ("Men har kuni kitob o'qiyman tez", "8.00", [], ["tez"], []),
        ("Men har kuni daftar o'qiyman", "8.00", [], [], [("kitob", "daftar")]),
        ("Men har kuni kitop o'qiyman", "9.00", [], [], [("kitob", "kitop")]),  # near miss: half an error
        ("", "0.00", ["men", "har", "kuni", "kitob", "o'qiyman"], [], []),
    ],
)
def test_score_table(hypothesis, score, missing, extra, substituted):
    result = score_text(REFERENCE, hypothesis, 10)
    assert result.score == Decimal(score)
    assert [m["word"] for m in result.diff["missing"]] == missing
    assert [e["word"] for e in result.diff["extra"]] == extra
    assert [(s["expected"], s["got"]) for s in result.diff["substituted"]] == substituted


def test_wer_and_positions_come_from_the_alignment():
    result = score_text("a b c d e", "a c d e f", 100)
    assert result.wer == pytest.approx(0.4)
    assert result.diff["missing"] == [{"word": "b", "position": 1}]
    assert result.diff["extra"] == [{"word": "f", "position": 4}]
    assert result.score == Decimal("60.00")


def test_score_never_negative_and_scales_to_max():
    assert score_text("bir ikki", "uch tort besh olti yetti", 5).score == Decimal("0.00")
    assert score_text("bir ikki", "bir ikki", 100).score == Decimal("100.00")
