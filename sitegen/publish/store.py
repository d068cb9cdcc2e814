"""The ObjectStore protocol every publish target implements, and target parsing.

Stores speak keys relative to the target's prefix and raw bytes; they know nothing about sites,
plans or manifests. Errors come out as `StoreError`s whose `transient` flag tells the caller
whether retrying the same request may help (throttling, network) or not (credentials, bucket).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sitegen.errors import SitegenError


class StoreError(SitegenError):
    """A request to the store failed."""

    def __init__(
        self, message: str, location: str = "", hint: str = "", *, transient: bool = False
    ) -> None:
        super().__init__(message, location, hint)
        self.transient = transient


class NotFoundError(StoreError):
    """The key does not exist."""


class AlreadyExistsError(StoreError):
    """A write that must not overwrite found the key taken."""


@dataclass(frozen=True)
class ObjectMeta:
    """What we know about an object besides its bytes.

    `sha256` is the hash of the *uncompressed* content: comparing it (never an ETag, whose form
    depends on multipart uploads and the server) is how a publish decides what changed.
    """

    sha256: str = ""
    content_type: str = "application/octet-stream"
    cache_control: str = ""
    content_encoding: str = ""
    # S3 website hosting answers a request for this object with a 301 to here (an old URL of a
    # post); other stores ignore it.
    redirect: str = ""


@dataclass(frozen=True)
class RemoteObject:
    """One listed object. `meta` is None when the listing alone cannot tell (S3: needs a HEAD)."""

    key: str
    size: int
    meta: ObjectMeta | None = None


class ObjectStore(Protocol):
    """A flat key -> bytes store with per-object metadata."""

    @property
    def name(self) -> str:
        """How the target is shown to the user (`s3://bucket/prefix`, a folder path)."""
        ...

    @property
    def keeps_metadata(self) -> bool:
        """True if Content-Type/Cache-Control/Content-Encoding are stored and served."""
        ...

    def check(self) -> None:
        """Raise a StoreError now if the target cannot be used (missing, denied, unreachable)."""

    def list(self, prefix: str = "") -> list[RemoteObject]:
        """Every object whose key starts with `prefix`, sorted by key."""
        ...

    def head(self, key: str) -> ObjectMeta | None:
        """The object's metadata, or None if there is no such object."""
        ...

    def get(self, key: str) -> bytes:
        """The object's bytes; NotFoundError if absent."""
        ...

    def put(self, key: str, body: bytes, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        """Store `body` under `key`. With `if_absent`, AlreadyExistsError instead of overwriting."""

    def put_file(self, key: str, path: Path, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        """`put` of the file at `path`, read in pieces: never the whole file in memory."""

    def delete(self, keys: Sequence[str]) -> None:
        """Remove these keys (absent keys are fine)."""


@dataclass(frozen=True)
class StoreOptions:
    """How to reach an S3-compatible store; None means the AWS default chain decides."""

    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    max_attempts: int = 5  # botocore's own retries per request
    connections: int = 10


def open_store(target: str, options: StoreOptions | None = None) -> ObjectStore:
    """`s3://bucket/prefix` -> S3Store; `file://path` or a plain path -> LocalStore."""
    options = options or StoreOptions()
    if target.startswith("s3://"):
        bucket, _, prefix = target[len("s3://") :].partition("/")
        if not bucket:
            raise SitegenError(
                f"no bucket in target {target!r}",
                hint="write it as s3://BUCKET or s3://BUCKET/PREFIX",
            )
        # Imported here so that only publishing to S3 needs boto3 (the `s3` extra).
        try:
            from sitegen.publish.s3 import S3Store
        except ModuleNotFoundError as exc:
            if exc.name not in ("boto3", "botocore"):
                raise
            raise SitegenError(
                "publishing to S3 needs boto3, which is not installed",
                hint="pip install 'sitegen[s3]'",
            ) from None

        return S3Store(bucket, prefix.strip("/"), options)
    scheme, sep, _ = target.partition("://")
    if sep and scheme != "file":
        raise SitegenError(
            f"unsupported target {target!r}",
            hint="use s3://BUCKET/PREFIX (any S3-compatible store: --endpoint-url) or a folder",
        )
    from sitegen.publish.local import LocalStore

    return LocalStore(Path(target[len("file://") :] if sep else target))
