"""Where the tests' files are: the one place that knows the layout of tests/.

Test files live one folder down (tests/<package>/) and helpers in tests/support/, so no test
computes a path from its own `__file__`; each takes the constant it needs from here."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent  # the repository
FIXTURES = TESTS / "fixtures"
FIXTURE_SITE = FIXTURES / "site"  # the small fixture site; the `site` fixture is a copy
CORPUS = FIXTURES / "wp-local-dev"  # the dev corpus: a real WordPress 6.1's REST dump and export
SUBSET = FIXTURES / "wp-subset"
SEED = FIXTURES / "seed" / "000_d01410bb3d07ad41.json"
PUBLISH_SITE = FIXTURES / "publish-site"
