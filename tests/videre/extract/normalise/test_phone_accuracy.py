"""Precision, recall and F1 per family on the whole case set (issue 3 asks for F1 >= 0.99).

`python tests/videre/extract/normalise/phone_cases.py` prints the same table.
"""

from __future__ import annotations

from phone_cases import all_cases, extracted, score


def test_f1_per_family_is_at_least_0_99() -> None:
    table = score(all_cases(), extracted)
    for family, row in table.items():
        if family == "negative":
            assert row["fp"] == 0, row
        else:
            assert row["f1"] >= 0.99, (family, row)
