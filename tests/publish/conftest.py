"""Fixtures of the publish and archive tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from publish_support import drop_bucket, new_bucket, s3_client, s3_endpoint


@pytest.fixture
def s3() -> Iterator[tuple[str, str, Any]]:
    """(endpoint, a new empty bucket, a client) on the real S3 server scripts/test starts; the
    bucket is dropped after the test. FAILS when the server is not there."""
    endpoint = s3_endpoint()
    bucket = new_bucket(endpoint)
    yield endpoint, bucket, s3_client(endpoint)
    drop_bucket(endpoint, bucket)
