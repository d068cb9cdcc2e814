"""Amazon S3 and every S3-compatible store (Cloudflare R2, MinIO, SeaweedFS, Backblaze B2...).

The only module that imports boto3. Credentials, region and profile come from the usual AWS
chain (environment, ~/.aws, instance roles) unless given. botocore retries each request itself
(standard mode, with backoff on throttling); callers add whole-object retries on top, guided by
`StoreError.transient`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import boto3
import botocore.exceptions as bex
from botocore.config import Config

from sitegen.publish.store import (
    AlreadyExistsError,
    NotFoundError,
    ObjectMeta,
    RemoteObject,
    StoreError,
    StoreOptions,
)

T = TypeVar("T")
HASH_KEY = "sha256"  # user metadata: x-amz-meta-sha256, the uncompressed content's hash
_DENIED = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "ExpiredToken",
    "AuthorizationHeaderMalformed",
    "403",
    "InvalidClientTokenId",
}
_UNSUPPORTED = {"NotImplemented", "501"}
_TRANSIENT = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "InternalError",
    "ServiceUnavailable",
    "503",
    "500",
}
_NETWORK = (
    bex.EndpointConnectionError,
    bex.ConnectionClosedError,
    bex.ReadTimeoutError,
    bex.ConnectTimeoutError,
    bex.ProxyConnectionError,
    bex.ResponseStreamingError,
)


class S3Store:
    def __init__(self, bucket: str, prefix: str, options: StoreOptions) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.options = options
        try:
            session = boto3.session.Session(
                profile_name=options.profile, region_name=options.region
            )
        except bex.ProfileNotFound:
            raise StoreError(
                f"no AWS profile named {options.profile!r}",
                self.name,
                hint="see ~/.aws/config, or drop --profile",
            ) from None
        config = Config(
            retries={"mode": "standard", "max_attempts": options.max_attempts},
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=options.connections,
            # Path-style for custom endpoints: local and many compatible servers do not resolve
            # bucket.host names. AWS itself (no endpoint) keeps virtual-hosted style.
            s3={"addressing_style": "path"} if options.endpoint_url else {},
        )
        try:
            self.client: Any = session.client(
                "s3", endpoint_url=options.endpoint_url, config=config
            )
        except bex.InvalidRegionError:  # was a botocore traceback
            raise StoreError(
                f"not a region name: {options.region!r}",
                self.name,
                hint="write it like eu-west-1 (R2: auto), or drop --region",
            ) from None
        except ValueError as exc:  # botocore: "Invalid endpoint: ..."; was a traceback
            raise StoreError(
                f"{exc} (--endpoint-url must be a full URL)",
                self.name,
                hint="write it like https://ACCOUNT_ID.r2.cloudflarestorage.com",
            ) from None

    @property
    def name(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def keeps_metadata(self) -> bool:
        return True

    def _call(self, fn: Callable[[], T], key: str = "") -> T:
        try:
            return fn()
        except (bex.ClientError, bex.BotoCoreError) as exc:
            raise self._translate(exc, key) from None

    def _translate(self, exc: Exception, key: str) -> StoreError:
        where = self.name + key
        if isinstance(exc, bex.NoCredentialsError | bex.PartialCredentialsError):
            return StoreError(
                "no AWS credentials found",
                where,
                hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile",
            )
        if isinstance(exc, _NETWORK):
            return StoreError(
                f"cannot reach the endpoint: {exc}",
                where,
                transient=True,
                hint="check --endpoint-url and the network",
            )
        if not isinstance(exc, bex.ClientError):
            return StoreError(str(exc), where)
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code == "NoSuchBucket":
            return StoreError(
                f"bucket {self.bucket!r} does not exist",
                self.name,
                hint="create it first, or check the name and --endpoint-url",
            )
        if code in _DENIED or status == 403:
            return StoreError(
                f"access denied ({code})",
                where,
                hint="check the credentials "
                "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile) and their rights",
            )
        if code in ("NoSuchKey", "404") or status == 404:
            return NotFoundError("no such object", where)
        if code == "PreconditionFailed" or status == 412:
            return AlreadyExistsError("object exists", where)
        if code in _UNSUPPORTED or status == 501:
            return StoreError(f"NotImplemented: {exc}", where)
        transient = code in _TRANSIENT or status >= 500 or status == 429
        return StoreError(f"{code or status}: {exc}", where, transient=transient)

    def check(self) -> None:
        # A one-key listing rather than HeadBucket: HEAD answers carry no error code, so
        # "no such bucket" and "wrong credentials" would both be a bare 403/404.
        self._call(
            lambda: self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
        )

    def list(self, prefix: str = "") -> list[RemoteObject]:
        found = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )

        def collect() -> None:
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.prefix) :]
                    found.append(RemoteObject(key, int(item["Size"])))

        self._call(collect)
        return sorted(found, key=lambda o: o.key)

    def head(self, key: str) -> ObjectMeta | None:
        try:
            got = self._call(
                lambda: self.client.head_object(Bucket=self.bucket, Key=self.prefix + key), key
            )
        except NotFoundError:
            return None
        return ObjectMeta(
            sha256=got.get("Metadata", {}).get(HASH_KEY, ""),
            content_type=got.get("ContentType", ""),
            cache_control=got.get("CacheControl", ""),
            content_encoding=got.get("ContentEncoding", ""),
            redirect=got.get("WebsiteRedirectLocation", ""),
        )

    def get(self, key: str) -> bytes:
        def fetch() -> bytes:
            got = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            data: bytes = got["Body"].read()
            return data

        return self._call(fetch, key)

    def put(self, key: str, body: bytes, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        self._put(key, body, meta, if_absent)

    def put_file(self, key: str, path: Path, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        """One PUT whose body botocore reads from the open file in pieces (and seeks back in
        to retry), so an archive of gigabytes never sits in memory."""
        with open(path, "rb") as body:
            self._put(key, body, meta, if_absent)

    def _put(self, key: str, body: bytes | BinaryIO, meta: ObjectMeta, if_absent: bool) -> None:
        args: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": self.prefix + key,
            "Body": body,
            "ContentType": meta.content_type,
        }
        if meta.sha256:
            args["Metadata"] = {HASH_KEY: meta.sha256}
        if meta.cache_control:
            args["CacheControl"] = meta.cache_control
        if meta.content_encoding:
            args["ContentEncoding"] = meta.content_encoding
        if meta.redirect:
            args["WebsiteRedirectLocation"] = meta.redirect

        def send(**extra: str) -> None:
            if not isinstance(body, bytes):
                body.seek(0)  # a second PUT of the same file starts from its first byte
            self._call(lambda: self.client.put_object(**args, **extra), key)

        if not if_absent:
            send()
            return
        try:
            send(IfNoneMatch="*")
        except StoreError as exc:
            if not isinstance(exc, AlreadyExistsError) and "NotImplemented" in exc.message:
                # A store without conditional writes: check, then write. Not atomic, but
                # snapshot names are unique per run, so the window only matters in theory.
                if self.head(key) is not None:
                    raise AlreadyExistsError("object exists", self.name + key) from None
                send()
                return
            raise

    def delete(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            batch = [{"Key": self.prefix + k} for k in keys[start : start + 1000]]
            got = self._call(
                lambda b=batch: self.client.delete_objects(  # type: ignore[misc]
                    Bucket=self.bucket, Delete={"Objects": b, "Quiet": True}
                )
            )
            if got.get("Errors"):
                err = got["Errors"][0]
                raise StoreError(
                    f"delete failed: {err.get('Code')} {err.get('Message')}",
                    self.name + err.get("Key", "")[len(self.prefix) :],
                )
