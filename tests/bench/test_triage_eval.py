"""bench/triage_eval.py: a kept database is re-scored again without loading the world twice."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.triage_eval import evaluate_world  # noqa: E402


def test_reuse_rescores_the_kept_world_with_the_same_truth(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    first = evaluate_world("evalworld", 300, 15, url, {})
    again = evaluate_world("evalworld", 300, 15, url, {}, reuse=True)
    assert "reused" not in first["load"] and again["load"]["reused"]
    assert again["load"]["stored_ads"] == first["load"]["stored_ads"] == first["ads"] == again["ads"]
    for field in ("targets", "flagged", "precision_at_k", "recall", "mixed_items", "largest_cluster"):
        assert again[field] == first[field]
