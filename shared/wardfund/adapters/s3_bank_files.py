"""S3: the bank-transfer CSV a national treasurer uploads to the bank for each payout run
(written by the run, read back to go with the national summary email)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import boto3

from wardfund.domain.calendar import london_date, utc_key
from wardfund.domain.safe_csv import csv_records

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

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
        key = bank_file_key(run_at)
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=render_bank_file(rows).encode(),
            ContentType="text/csv",
            ServerSideEncryption="AES256",
        )
        return f"s3://{self.bucket}/{key}"

    def read(self, location: str) -> bytes:
        """`location`: the `s3://bucket/key` that `write` returned."""
        bucket, _, key = location.removeprefix("s3://").partition("/")
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()
