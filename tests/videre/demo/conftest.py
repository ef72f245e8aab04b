"""One demo world (seed 7) and its running sites, shared by the demo tests of a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from videre.demo import DemoSites, World, generate_world, serve_demo


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(7)


@pytest.fixture(scope="module")
def sites(world: World) -> Iterator[DemoSites]:
    with serve_demo(world) as running:
        yield running
