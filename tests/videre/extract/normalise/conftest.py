"""Make phone_cases.py importable by the tests beside it: the suite runs with
--import-mode=importlib, which does not put test folders on sys.path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if "phone_cases" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("phone_cases", Path(__file__).with_name("phone_cases.py"))
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["phone_cases"] = _module
    _spec.loader.exec_module(_module)
