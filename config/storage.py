"""Static files storage for development and tests.

Production uses whitenoise's ``CompressedManifestStaticFilesStorage`` as it is: hashed names
(cached for a year, immutable) and ``.br``/``.gz`` files written by ``collectstatic``, which
the Dockerfile runs. ``make run`` and ``make test`` run ``collectstatic`` too, but a fresh
clone running ``pytest`` or ``runserver`` before it must still work: then a file missing from
the manifest keeps its plain name and is served from the source folders (WHITENOISE_USE_FINDERS).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected yet (no manifest, or a file added since)
            return name
