"""What every domain's ``demo.seed(demo)`` receives; the orchestration is network_space/demo.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "demo-reseau-2026"


@dataclass
class DemoContext:
    password: str = DEMO_PASSWORD
    # What earlier domains created, for later ones: e.g. demo.data["users"]["coanimator_nord"].
    data: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, email, name)
