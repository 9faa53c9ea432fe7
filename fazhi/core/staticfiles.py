"""Static file storage: hashed and compressed once collected, the source files before that."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """`fazhi serve` collects and hashes; `runserver`, tests and scripts use files in place."""

    manifest_strict = False

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return str(super().hashed_name(name, content, filename))
        except ValueError:
            # Not collected yet: whitenoise serves the source file through the finders.
            return name
