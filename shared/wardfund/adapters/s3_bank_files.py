"""S3: the bank-transfer CSV a national treasurer uploads to the bank for each payout run
(written by the run, read back to go with the national summary email)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

from wardfund.domain.calendar import london_date, utc_key
from wardfund.domain.safe_csv import csv_records

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

# S3 answers 412 PreconditionFailed when the object exists; 409 ConditionalRequestConflict
# when another conditional write of the same key is in flight (that one wins).
ALREADY_THERE = ("PreconditionFailed", "ConditionalRequestConflict")
COLUMNS = (
    "payout_id",
    "campaign_id",
    "payee",
    "bank_details_reference",
    "amount_pence",
    "amount_gbp",
    "reference",
)


def bank_file_key(run_at: datetime) -> str:
    return f"bank-transfers/{london_date(run_at).isoformat()}/payout-run-{utc_key(run_at)}.csv"


def render_bank_file(rows: Sequence[dict[str, str]]) -> str:
    """Through the one CSV writer: a payee named like a formula stays text."""
    return csv_records(COLUMNS, rows)


class S3BankFiles:
    def __init__(self, bucket: str, client: S3Client | None = None) -> None:
        self.bucket = bucket
        self.client: S3Client = client or boto3.client("s3")

    def write(self, run_at: datetime, rows: Sequence[dict[str, str]]) -> str:
        """Writes the run's file only if it is not there yet (S3's conditional write,
        `If-None-Match: *`), so a run's bank file is written once however often its fan-in
        is repeated; a repeat finds it and returns where it is."""
        key = bank_file_key(run_at)
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=render_bank_file(rows).encode(),
                ContentType="text/csv",
                ServerSideEncryption="AES256",
                IfNoneMatch="*",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] not in ALREADY_THERE:
                raise
        return f"s3://{self.bucket}/{key}"

    def read(self, location: str) -> bytes:
        """`location`: the `s3://bucket/key` that `write` returned."""
        bucket, _, key = location.removeprefix("s3://").partition("/")
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()
