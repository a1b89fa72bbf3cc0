"""Static assets built by ``npm run build`` and their cache-busting URLs."""

from __future__ import annotations

import json
from pathlib import Path

from core.settings import PROJECT_ROOT

THEMES_DIR = PROJECT_ROOT / "themes"
BUILD_DIR = THEMES_DIR / "build"
TEMPLATES_DIR = THEMES_DIR / "base" / "templates"


class AssetsNotBuilt(RuntimeError):
    pass


class Assets:
    """Maps an asset name to ``/static/<name>?v=<content hash>``."""

    def __init__(self, build_dir: Path = BUILD_DIR) -> None:
        manifest = build_dir / "manifest.json"
        if not manifest.exists():
            raise AssetsNotBuilt(
                f"front-end assets are missing from {build_dir}: run `make assets` "
                "(npm install && npm run build)"
            )
        self.build_dir = build_dir
        self._versions: dict[str, str] = json.loads(manifest.read_text())

    def url(self, name: str) -> str:
        version = self._versions.get(name)
        return f"/static/{name}?v={version}" if version else f"/static/{name}"
