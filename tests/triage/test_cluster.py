"""Components and stable cluster ids: kept while membership mostly persists, merges and splits
recorded, analysts' clusters keep their ids when they merge."""

from __future__ import annotations

import numpy as np

from triage.cluster import components, stable_ids


def test_components_are_labelled_by_their_smallest_member_whatever_the_edge_order() -> None:
    a, b = np.array([4, 0, 2, 5]), np.array([2, 1, 4, 6])
    assert components(7, a, b).tolist() == [0, 0, 2, 3, 2, 5, 5]
    assert components(7, b[::-1], a[::-1]).tolist() == [0, 0, 2, 3, 2, 5, 5]


def test_unchanged_membership_keeps_ids_and_new_components_get_fresh_ones() -> None:
    old = np.array([7, 7, 7, 9, 9, 0])
    labels = np.array([0, 0, 0, 3, 3, 5])
    result = stable_ids(labels, old, next_id=10)
    assert result.cluster_of.tolist() == [7, 7, 7, 9, 9, 10]
    assert result.new_ids == [10] and result.events == [] and result.retired == {}


def test_a_cluster_keeps_its_id_when_most_of_it_persists() -> None:
    # Cluster 7 loses one of four ads to a new component and gains a new ad.
    old = np.array([7, 7, 7, 7, 0])
    labels = np.array([0, 0, 0, 3, 0])
    result = stable_ids(labels, old, next_id=20)
    assert result.cluster_of.tolist() == [7, 7, 7, 20, 7]
    assert ("split", 7, {"into": [7, 20]}) in result.events


def test_a_merge_is_recorded_and_the_larger_part_keeps_its_id() -> None:
    old = np.array([7, 7, 7, 9, 9])
    labels = np.zeros(5, dtype=np.int64)
    result = stable_ids(labels, old, next_id=20)
    assert result.cluster_of.tolist() == [7] * 5
    assert result.events == [("merge", 7, {"from": [7, 9]})]
    assert result.retired == {9: 7}


def test_a_cluster_an_analyst_worked_on_keeps_its_id_through_a_merge() -> None:
    old = np.array([7, 7, 7, 9, 9])
    labels = np.zeros(5, dtype=np.int64)
    result = stable_ids(labels, old, next_id=20, keep_first={9})
    assert result.cluster_of.tolist() == [9] * 5
    assert result.retired == {7: 9}


def test_a_cluster_split_in_halves_keeps_its_id_on_one_half_only() -> None:
    old = np.array([7, 7, 7, 7])
    labels = np.array([0, 0, 2, 2])
    result = stable_ids(labels, old, next_id=20)
    assert sorted(result.cluster_of.tolist()) == [7, 7, 20, 20]
    assert result.events == [("split", 7, {"into": [7, 20]})]
