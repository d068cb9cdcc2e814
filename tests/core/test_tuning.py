"""sitegen.tuning: the switches and thresholds, read from the environment in one place."""

from __future__ import annotations

from sitegen import tuning
from sitegen.tuning import Tuning, from_env, tuned


def test_defaults_and_switches() -> None:
    assert from_env({}) == Tuning(speedups=True, cache=True, pool_min_items=200,
                                  search_max_patched=64)  # fmt: skip
    env = {"SITEGEN_NO_SPEEDUPS": "1", "SITEGEN_NO_CACHE": "1"}
    assert from_env(env) == Tuning(speedups=False, cache=False)
    assert from_env({"SITEGEN_NO_SPEEDUPS": "0", "SITEGEN_NO_CACHE": ""}) == Tuning()


def test_thresholds() -> None:
    env = {"SITEGEN_POOL_MIN_ITEMS": "2", "SITEGEN_SEARCH_MAX_PATCHED": "3"}
    assert from_env(env) == Tuning(pool_min_items=2, search_max_patched=3)
    for bad in ("", "0", "-1", "lots", "1.5"):
        env = {"SITEGEN_POOL_MIN_ITEMS": bad, "SITEGEN_SEARCH_MAX_PATCHED": bad}
        assert from_env(env) == Tuning(), bad


def test_tuned_is_for_the_block_only() -> None:
    before = tuning.current
    with tuned(cache=False, pool_min_items=5) as inside:
        assert tuning.current is inside
        assert not inside.cache and inside.pool_min_items == 5
        assert inside.speedups == before.speedups
    assert tuning.current is before
