"""People, not strings: duo names, spelling variants, and the person counts triage builds on them."""

from __future__ import annotations

import numpy as np

from triage.people import fold, merge_variants, split_people, variants


def test_spellings_of_one_stage_name_fold_to_one_key() -> None:
    assert fold("Fernanda") == fold("FERNANDAA ❤") == fold("Fernánda") == fold(" fernanda!! ")
    assert fold("Sophie") == fold("Sofie") and fold("Jessy") == fold("Jessi")
    assert fold("Anna") != fold("Anja")
    assert fold("w11") == "v11"  # digits are kept as written


def test_a_duo_ad_is_two_women_not_a_third_name() -> None:
    assert split_people("Fernanda & Juliana") == ["fernanda", "juliana"]
    assert split_people("Anna och Bella") == ["ana", "bela"]
    assert split_people("Mia + Mia") == ["mia"]
    assert split_people("Lola") == ["lola"]
    assert split_people("") == []


def test_one_edit_variants_merge_inside_a_cluster_only_for_long_names() -> None:
    keys = ["fernanda", "fernada", "ana", "ada", "juliana"]
    assert variants(keys) == [0, 0, 2, 3, 4]
    # Cluster 1 holds Fernanda and Fernada: one woman. In cluster 2 Fernada stays herself.
    cluster = np.array([1, 1, 2, 2])
    person = np.array([0, 1, 1, 4])
    assert merge_variants(cluster, person, keys).tolist() == [0, 0, 1, 4]
