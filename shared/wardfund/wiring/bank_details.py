"""What reading campaign bank details needs (the payout run's bank files): built when used,
as it is used once per run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wardfund.adapters.dynamodb.bank_details_store import DynamoBankDetailsStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.kms_bank_details import KmsBankDetails
from wardfund.services.bank_details import RunPayments, run_bank_payments
from wardfund.settings import get_settings


def bank_details_store() -> DynamoBankDetailsStore:
    return DynamoBankDetailsStore(Table(get_settings().table_name))


def sealer() -> KmsBankDetails:
    return KmsBankDetails()


def run_payments(rows: Sequence[Mapping[str, str]]) -> RunPayments:
    return run_bank_payments(rows, bank_details_store(), sealer())
