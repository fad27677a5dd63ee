"""S3: the payout run's bank files, which national finance uploads to the bank (written by
the run's fan-in, once; read back by the national summary and `campaign bank file`).

Under `bank-transfers/<London date>/`, named by the run's London date and time
(`wardfund-payouts-2026-06-15-0600`, no colon):

- `...-bankline.csv`: the Bankline CSV import (domain/bank_files.py), every campaign paid
  by bank whose details are approved, with their sort code and account number;
- `...-bacs18.txt`: the same payments as a Bacs Standard 18 file, when the national account
  and Service User Number are set (`NATIONAL_BANK_*`, below);
- `...-summary.json`: what the summary email shows and asks to check, without account
  numbers (payee, sort code, last four digits, amount, reference, when each campaign's
  details last changed, the totals, the payment date, campaigns with no details).

The two payment files hold whole account numbers: they are encrypted with the bank-details
KMS key (SSE-KMS), so only the roles that may read bank details can read them. Each file is
written only if it is not there yet (`If-None-Match: *`), so a repeated fan-in writes
nothing twice. The national account comes from `NATIONAL_BANK_ACCOUNT_NAME`,
`NATIONAL_BANK_SORT_CODE`, `NATIONAL_BANK_ACCOUNT_NUMBER` and `BACS_SERVICE_USER_NUMBER`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

from wardfund.adapters.kms_bank_details import bank_details_key_id
from wardfund.domain.bank_details import MASK
from wardfund.domain.bank_files import (
    BankPayment,
    NationalAccount,
    bacs_dates,
    bank_file_names,
    render_bankline_csv,
    render_standard18,
    volume_serial,
)
from wardfund.domain.calendar import london_date, utc_key
from wardfund.domain.working_days import payment_date

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

    from wardfund.services.bank_details import RunPayments

# S3 answers 412 PreconditionFailed when the object exists; 409 ConditionalRequestConflict
# when another conditional write of the same key is in flight (that one wins).
ALREADY_THERE = ("PreconditionFailed", "ConditionalRequestConflict")


def bank_file_key(run_at: datetime) -> str:
    """The run's Bankline CSV, the file the national summary links."""
    return bank_file_names(run_at).bankline


def national_account() -> NationalAccount:
    def digits(name: str) -> str:
        return "".join(c for c in os.environ.get(name, "") if c.isdigit())

    return NationalAccount(
        account_name=os.environ.get("NATIONAL_BANK_ACCOUNT_NAME", "").strip(),
        sort_code=digits("NATIONAL_BANK_SORT_CODE"),
        account_number=digits("NATIONAL_BANK_ACCOUNT_NUMBER"),
        service_user_number=digits("BACS_SERVICE_USER_NUMBER"),
    )


def _payment_view(payment: BankPayment) -> dict[str, Any]:
    return {
        "campaign_id": payment.campaign_id,
        "payout_id": payment.payout_id,
        "payee_name": payment.payee_name,
        "sort_code": payment.sort_code,
        "account": f"{MASK}{payment.account_number[-4:]}",
        "amount_pence": payment.amount,
        "reference": payment.reference,
        "details_changed_at": utc_key(payment.details_changed_at)
        if payment.details_changed_at
        else None,
    }


def run_summary(
    run_at: datetime, run: RunPayments, national: NationalAccount, files: Mapping[str, str]
) -> dict[str, Any]:
    processing, arrives = bacs_dates(run_at)
    return {
        "run_at": utc_key(run_at),
        "payment_date": payment_date(run_at).isoformat(),
        "bacs_processing_date": processing.isoformat(),
        "bacs_arrives": arrives.isoformat(),
        "payments": [_payment_view(p) for p in run.payments],
        "count": len(run.payments),
        "total_pence": sum(p.amount for p in run.payments),
        "missing": [
            {
                "campaign_id": row["campaign_id"],
                "payee": row.get("payee", ""),
                "amount_pence": int(row["amount_pence"]),
                "reference": row.get("reference", ""),
            }
            for row in run.missing
        ],
        "debit_account": (
            f"{national.sort_code[:2]}-{national.sort_code[2:4]}-{national.sort_code[4:]} "
            f"{MASK}{national.account_number[-4:]}"
            if national.has_account
            else ""
        ),
        "files": dict(files),
    }


class S3BankFiles:
    """`payments`: the run's bank rows → their payments with the campaigns' bank details
    (services/bank_details.run_bank_payments, with the store and KMS)."""

    def __init__(
        self,
        bucket: str,
        client: S3Client | None = None,
        payments: Callable[[Sequence[Mapping[str, str]]], RunPayments] | None = None,
    ) -> None:
        self.bucket = bucket
        self.client: S3Client = client or boto3.client("s3")
        self._payments = payments

    def _put(self, key: str, body: str, content_type: str, *, sealed: bool) -> None:
        extra: dict[str, Any] = (
            {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": bank_details_key_id()}
            if sealed
            else {"ServerSideEncryption": "AES256"}
        )
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body.encode(),
                ContentType=content_type,
                IfNoneMatch="*",
                **extra,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] not in ALREADY_THERE:
                raise

    def write(self, run_at: datetime, rows: Sequence[Mapping[str, str]]) -> str:
        """Writes the run's files, each only if it is not there yet; returns where the
        Bankline CSV is (or the summary, when no campaign paid by bank has details)."""
        if self._payments is None:
            from wardfund.wiring.bank_details import run_payments

            self._payments = run_payments
        run = self._payments(rows)
        names = bank_file_names(run_at)
        national = national_account()
        files: dict[str, str] = {}
        if run.payments:
            self._put(
                names.bankline,
                render_bankline_csv(run.payments, national, payment_date(run_at)),
                "text/csv",
                sealed=True,
            )
            files["bankline"] = names.bankline.rsplit("/", 1)[-1]
            if national.can_send_bacs:
                self._put(
                    names.standard18,
                    render_standard18(
                        run.payments,
                        national,
                        run_at=run_at,
                        created_on=london_date(run_at),
                        serial=volume_serial(run_at),
                    ),
                    "text/plain",
                    sealed=True,
                )
                files["standard18"] = names.standard18.rsplit("/", 1)[-1]
        summary_key = names.summary
        summary = run_summary(run_at, run, national, files)
        self._put(summary_key, json.dumps(summary, indent=1), "application/json", sealed=False)
        return f"s3://{self.bucket}/{names.bankline if run.payments else summary_key}"

    def read(self, location: str) -> bytes:
        """`location`: the `s3://bucket/key` that `write` returned (or its summary's)."""
        bucket, _, key = location.removeprefix("s3://").partition("/")
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()
