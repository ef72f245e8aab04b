"""The bundled demo world: synthetic ads with ground truth, served as three sites on 127.0.0.1.

    world = generate_world(seed=7)
    with serve_demo(world) as sites:
        sites.base_urls  # {"nattfjaril": "http://127.0.0.1:PORT", ...}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from videre.demo.generate import generate_world
from videre.demo.world import SITES, Ad, Group, World

if TYPE_CHECKING:
    from videre.demo.sites import DemoSites, serve_demo

__all__ = ["SITES", "Ad", "DemoSites", "Group", "World", "generate_world", "serve_demo"]


def __getattr__(name: str) -> Any:
    # Imported on use, so that `python -m videre.demo.sites` does not import itself twice.
    if name in ("DemoSites", "serve_demo"):
        from videre.demo import sites

        return getattr(sites, name)
    raise AttributeError(name)
