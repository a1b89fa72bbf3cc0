"""Storage in an S3 bucket (AWS or any S3-compatible server) through boto3.

boto3 is synchronous, so every call runs in a worker thread. Credentials come
from boto3's usual chain (``AWS_ACCESS_KEY_ID`` ... or an instance role).
"""

from __future__ import annotations

import asyncio
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from core.storage.base import FileMissing, StorageError, StoredFile, guess_content_type, tenant_key


class S3FileStorage:
    def __init__(
        self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, region: str
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path" if endpoint_url else "auto"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )

    def _key(self, tenant_id: int | None, key: str) -> str:
        full = tenant_key(tenant_id, key)
        return f"{self.prefix}/{full}" if self.prefix else full

    async def _call(self, method: str, what: str, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(getattr(self.client, method), **kwargs)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileMissing(f"no file {what!r}") from None
            raise StorageError(f"S3 refused {method} for {what!r}: {code or error}") from error
        except BotoCoreError as error:
            raise StorageError(f"S3 unreachable during {method} for {what!r}: {error}") from error

    async def put(
        self, tenant_id: int | None, key: str, data: bytes, content_type: str | None = None
    ) -> str:
        await self._call(
            "put_object",
            key,
            Bucket=self.bucket,
            Key=self._key(tenant_id, key),
            Body=data,
            ContentType=content_type or guess_content_type(key),
        )
        return key

    async def get(self, tenant_id: int | None, key: str) -> StoredFile:
        response = await self._call(
            "get_object", key, Bucket=self.bucket, Key=self._key(tenant_id, key)
        )
        try:
            data = await asyncio.to_thread(response["Body"].read)
        except (BotoCoreError, OSError) as error:
            raise StorageError(f"S3 broke off while sending {key!r}: {error}") from error
        return StoredFile(key, data, response.get("ContentType") or guess_content_type(key))

    async def delete(self, tenant_id: int | None, key: str) -> None:
        await self._call("delete_object", key, Bucket=self.bucket, Key=self._key(tenant_id, key))

    async def list(self, tenant_id: int | None, prefix: str = "") -> list[str]:
        base = self._key(tenant_id, "x")[:-1]
        keys: list[str] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": base + prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = await self._call("list_objects_v2", prefix or "/", **kwargs)
            keys += [item["Key"][len(base) :] for item in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                return sorted(keys)
            token = page["NextContinuationToken"]

    async def check(self) -> None:
        try:
            await self._call("head_bucket", self.bucket, Bucket=self.bucket)
        except FileMissing:
            # HEAD answers a bare 404; it is the bucket that is missing, not a file.
            raise StorageError(f"S3 bucket {self.bucket!r} does not exist") from None
