"""Loading the frame: numbers read only in part are kept out of linking; names and cities become
codes compared folded."""

from __future__ import annotations

import numpy as np

from triage.frame import Codes, partial_reads

LABELS = ["+359883036122", "+4688303612", "+46701740605", "+46701740606"]


def test_a_number_inside_another_number_of_the_same_ad_is_dropped() -> None:
    # Ad 0: a Bulgarian number and, read from its middle in another field, a "Swedish" one.
    # Ad 1: two real numbers. Ad 2: the same fragment alone, with nothing it could be part of.
    ad_pos = np.array([0, 0, 1, 1, 2])
    key_pos = np.array([0, 1, 2, 3, 1])
    keep = partial_reads(ad_pos, key_pos, LABELS)
    assert keep.tolist() == [True, False, True, True, True]


def test_nothing_to_compare_keeps_everything() -> None:
    assert partial_reads(np.array([0, 1]), np.array([2, 3]), LABELS).tolist() == [True, True]
    assert partial_reads(np.zeros(0, np.int64), np.zeros(0, np.int64), LABELS).tolist() == []


def test_codes_fold_case_and_spacing_and_keep_the_first_spelling_met() -> None:
    strings = ["Anna", None, "  ANNA ", "Bo  Lind", "", "anna", "bo lind", "Cleo", "Bo  Lind", "   "]
    codes = Codes.build(strings, len(strings))
    assert codes.of_ad.tolist() == [0, -1, 0, 1, -1, 0, 1, 2, 1, 3]
    assert codes.values == ["anna", "bo lind", "cleo", ""]
    assert codes.shown == ["Anna", "Bo  Lind", "Cleo", ""]
