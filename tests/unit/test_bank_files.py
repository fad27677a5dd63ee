"""The run's bank files, field by field against the layouts docs/bank-files.md cites: the
Bankline CSV import (standard domestic payment) and Bacs Standard 18."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wardfund.domain.bank_files import (
    BankFileRefused,
    BankPayment,
    NationalAccount,
    bacs_dates,
    bank_file_names,
    render_bankline_csv,
    render_standard18,
    volume_serial,
)

RUN = datetime(2026, 6, 15, 5, tzinfo=UTC)  # Monday 15 June 2026, 06:00 in London
NATIONAL = NationalAccount("Common Ground", "601613", "31926819", "123456")
PAYMENTS = [
    BankPayment("leeds-central", "p1", "LEEDS CENTRAL CAMP", "089999", "66374958", 6360,
                "WF260615LEEDSCENTR"),
    BankPayment("oxford-east", "p2", "BRONTE & SONS", "202959", "63748472", 123456,
                "WF260615OXFORDEAST"),
]  # fmt: skip


def test_file_names_carry_the_london_date_and_time_and_no_colon() -> None:
    names = bank_file_names(RUN)
    assert (
        names.bankline == "bank-transfers/2026-06-15/wardfund-payouts-2026-06-15-0600-bankline.csv"
    )
    assert names.standard18.endswith("wardfund-payouts-2026-06-15-0600-bacs18.txt")
    assert ":" not in names.bankline + names.standard18
    # 23:30 UTC on 31 May is already 1 June in London
    assert "2026-06-01-0030" in bank_file_names(datetime(2026, 5, 31, 23, 30, tzinfo=UTC)).stem


def test_bankline_rows_field_by_field() -> None:
    text = render_bankline_csv(PAYMENTS, NATIONAL, date(2026, 6, 15))
    assert text.endswith("\r\n")
    rows = [line.split(",") for line in text.split("\r\n") if line]
    assert len(rows) == 2
    first = rows[0]
    assert len(first) == 85  # H001-H003, T001-T082
    # H001-H003 empty; T001 record type 01, standard domestic payment
    assert first[:3] == ["", "", ""]
    assert first[3] == "01"
    assert first[12] == "60161331926819"  # T010 debit account: sort code and account
    assert first[16] == "63.60"  # T014 amount in pounds
    assert first[18] == "15062026"  # T016 date to arrive, ddmmyyyy
    assert first[24] == "089999"  # T022 payee sort code
    assert first[30] == "66374958"  # T028 payee account number
    assert first[32] == "LEEDS CENTRAL CAMP"  # T030 payee name, 18 scheme characters
    assert first[36] == "WF260615LEEDSCENTR"  # T034 reference, 18 characters
    filled = {3, 12, 16, 18, 24, 30, 32, 36}
    assert all(value == "" for i, value in enumerate(first) if i not in filled)
    assert rows[1][16] == "1234.56"
    total = sum(round(float(row[16]) * 100) for row in rows)
    assert total == sum(p.amount for p in PAYMENTS)


def test_standard18_records_field_by_field() -> None:
    text = render_standard18(
        PAYMENTS, NATIONAL, run_at=RUN, created_on=date(2026, 6, 15), serial="166610"
    )
    records = text.split("\r\n")
    assert records[-1] == ""
    records = records[:-1]
    labels = [r[:4] for r in records]
    assert labels[:4] == ["VOL1", "HDR1", "HDR2", "UHL1"]
    assert labels[-3:] == ["EOF1", "EOF2", "UTL1"]
    vol, hdr1, hdr2, uhl1, credit1, credit2, contra, eof1, eof2, utl1 = records
    for label in (vol, hdr1, hdr2, uhl1, eof1, eof2, utl1):
        assert len(label) == 80
    for record in (credit1, credit2, contra):
        assert len(record) == 100
    # VOL1: serial 5-10, owner 38-51 with the Service User Number at 42-47, label standard 80
    assert vol[4:10] == "166610"
    assert vol[10:37].strip() == ""
    assert vol[37:41] == "    "
    assert vol[41:47] == "123456"
    assert vol[47:79].strip() == ""
    assert vol[79] == "1"
    # HDR1: file identifier A + SUN + S, set identification = serial, dates bYYDDD
    assert hdr1[4:21] == "A123456S   123456"
    assert hdr1[21:27] == "166610"
    assert hdr1[27:35] == "00010001"
    assert hdr1[41:47] == " 26166"
    assert hdr1[47:53] == " 26166"
    assert hdr1[54:60] == "000000"
    assert hdr2[4:15] == "F0200000100"
    assert hdr2[50:52] == "00"
    assert eof1[4:] == hdr1[4:]
    assert eof2[4:] == hdr2[4:]
    # UHL1: processing day the next working day (Tue 16 June, day 167), single day, file 001
    assert uhl1[4:10] == " 26167"
    assert uhl1[10:20] == "999999    "
    assert uhl1[20:28] == "00000000"
    assert uhl1[28:37] == "1 DAILY  "
    assert uhl1[37:40] == "001"
    assert uhl1[40:].strip() == ""
    # A credit: destination, 0, code 99, originating account, amount, names, reference
    assert credit1[0:6] == "089999"
    assert credit1[6:14] == "66374958"
    assert credit1[14] == "0"
    assert credit1[15:17] == "99"
    assert credit1[17:23] == "601613"
    assert credit1[23:31] == "31926819"
    assert credit1[31:35] == "    "
    assert credit1[35:46] == "00000006360"
    assert credit1[46:64] == "COMMON GROUND     "  # the service user's name
    assert credit1[64:82] == "WF260615LEEDSCENTR"  # the reference
    assert credit1[82:100] == "LEEDS CENTRAL CAMP"  # the payee
    assert credit2[35:46] == "00000123456"
    assert credit2[82:100] == "BRONTE & SONS     "
    # The contra debits the national account with the total (code 17)
    total = sum(p.amount for p in PAYMENTS)
    assert contra[0:14] == "60161331926819"
    assert contra[15:17] == "17"
    assert contra[35:46] == f"{total:011d}"
    assert contra[64:82] == "CONTRA            "
    # UTL1: debit and credit totals, one debit (the contra), the credits counted
    assert utl1[4:17] == f"{total:013d}"
    assert utl1[17:30] == f"{total:013d}"
    assert utl1[30:37] == "0000001"
    assert utl1[37:44] == "0000002"
    assert sum(int(r[35:46]) for r in (credit1, credit2)) == int(utl1[17:30])
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- \r\n")


def test_bacs_dates_skip_weekends_and_bank_holidays() -> None:
    # A run on Friday 28 August 2026: processed Tuesday 1 September (Monday 31 August is the
    # summer bank holiday), paid Wednesday 2 September.
    assert bacs_dates(datetime(2026, 8, 28, 5, tzinfo=UTC)) == (date(2026, 9, 1), date(2026, 9, 2))


def test_standard18_needs_a_service_user_number_and_fits_its_fields() -> None:
    with pytest.raises(BankFileRefused, match="Service User Number"):
        render_standard18(
            PAYMENTS, NationalAccount(), run_at=RUN, created_on=date(2026, 6, 15), serial="1"
        )
    with pytest.raises(BankFileRefused, match="more than £0"):
        render_bankline_csv([PAYMENTS[0].__class__(**{**PAYMENTS[0].__dict__, "amount": 0})],
                            NATIONAL, date(2026, 6, 15))  # fmt: skip


def test_volume_serials_differ_between_runs() -> None:
    assert volume_serial(RUN) == "1660A0"  # 06:00 is minute 360: 0, 10 (A), 0 in base 36
    assert volume_serial(RUN) != volume_serial(datetime(2026, 6, 16, 5, tzinfo=UTC))
    assert len(volume_serial(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))) == 6
