"""S3: documents kept with a record (a launch-event invoice's PDF), beside the bank files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


class S3Documents:
    def __init__(self, bucket: str, client: S3Client | None = None) -> None:
        self.bucket = bucket
        self.client: S3Client = client or boto3.client("s3")

    def put(self, key: str, body: bytes, content_type: str) -> str:
        if not self.bucket:
            raise RuntimeError("no documents bucket is configured (BANK_FILES_BUCKET)")
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )
        return f"s3://{self.bucket}/{key}"
