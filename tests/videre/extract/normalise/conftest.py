"""Make phone_cases.py, mixed_cases.py and phone_heldout_cases.py importable by the tests beside them: the suite runs
with --import-mode=importlib, which does not put test folders on sys.path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

for _name in ("phone_cases", "mixed_cases", "phone_heldout_cases"):
    if _name not in sys.modules:
        _spec = importlib.util.spec_from_file_location(_name, Path(__file__).with_name(f"{_name}.py"))
        assert _spec is not None and _spec.loader is not None
        _module = importlib.util.module_from_spec(_spec)
        sys.modules[_name] = _module
        _spec.loader.exec_module(_module)
