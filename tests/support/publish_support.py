"""Helpers for the publish and archive tests: the fixture site, the CLI, the real S3 server.

S3 tests need `SITEGEN_TEST_S3_ENDPOINT` (scripts/test starts SeaweedFS and exports it, with
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). They FAIL when it is missing or unreachable: a publish
test that silently skips would let a broken publisher ship.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from click.testing import CliRunner, Result
from testdata import PUBLISH_SITE

from sitegen.cli import main
from sitegen.publish.store import ObjectMeta, StoreError


def copy_site(dest: Path) -> Path:
    shutil.copytree(PUBLISH_SITE, dest)
    return dest


def run(*args: str | Path, site: Path | None = None) -> Result:
    """Run `sitegen [--site SITE] ARGS` in-process; stdout and stderr apart."""
    argv = [*(["--site", str(site)] if site else []), *map(str, args)]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def s3_endpoint() -> str:
    endpoint = os.environ.get("SITEGEN_TEST_S3_ENDPOINT", "")
    if not endpoint:
        pytest.fail("SITEGEN_TEST_S3_ENDPOINT is not set: run the suite through scripts/test")
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if not os.environ.get(var):
            pytest.fail(f"{var} is not set: run the suite through scripts/test")
    try:
        urllib.request.urlopen(endpoint, timeout=5)
    except urllib.error.HTTPError:
        pass  # any HTTP answer means the server is up
    except OSError as exc:
        pytest.fail(f"S3 server {endpoint} unreachable: {exc}")
    return endpoint


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
    )


def new_bucket(endpoint: str) -> str:
    bucket = f"sitegen-{uuid.uuid4().hex[:20]}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    return bucket


def drop_bucket(endpoint: str, bucket: str) -> None:
    """Empty and remove a test bucket, so runs against a long-lived server leave nothing."""
    client = s3_client(endpoint)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys})
    client.delete_bucket(Bucket=bucket)


def objects_of(client: Any, bucket: str, prefix: str = "") -> dict[str, bytes]:
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            out[item["Key"][len(prefix) :]] = body
    return out


class RecordingStore:
    """A real store, with every put recorded and an optional failure after `fail_after` puts.

    The failure is injected in the store layer, where a dropped connection or a killed process
    would hit, so the sync code above it runs exactly as in production.
    """

    def __init__(self, inner: Any, fail_after: int | None = None) -> None:
        self.inner = inner
        self.fail_after = fail_after
        self.puts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def keeps_metadata(self) -> bool:
        return bool(self.inner.keeps_metadata)

    def put(self, key: str, body: bytes, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        if self.fail_after is not None and len(self.puts) >= self.fail_after:
            raise StoreError("injected failure: connection reset", key)
        self.inner.put(key, body, meta, if_absent=if_absent)
        self.puts.append(key)

    def delete(self, keys: Sequence[str]) -> None:
        self.inner.delete(keys)
