"""The kit's imprint and privacy line (domain/kit.py, docs/imprints.md): printed copies name
the printer, promoter and on whose behalf; online the printer is left out; a campaign
without its imprint, or an organisation without a privacy link, gets no kit."""

from __future__ import annotations

import pytest

from wardfund.domain.campaign import Campaign
from wardfund.domain.kit import KitRefused, check_privacy, imprint_of, link_notice

FULL = Campaign(
    "leeds",
    "Leeds Central",
    promoter_name="Sam Agent",
    promoter_address="1 High Street, Leeds LS1 1AA",
    on_behalf_of="Jo Candidate, 2 Park Row, Leeds LS1 2BB",
    printer="Quick Print Ltd, 3 Mill Lane, Leeds LS2 3CC",
)


def test_printed_and_digital_imprints() -> None:
    imprint = imprint_of(FULL)
    assert imprint.printed == (
        "Printed by Quick Print Ltd, 3 Mill Lane, Leeds LS2 3CC. Promoted by Sam Agent, "
        "1 High Street, Leeds LS1 1AA, on behalf of Jo Candidate, 2 Park Row, Leeds LS1 2BB."
    )
    assert imprint.digital.startswith("Promoted by Sam Agent")
    assert "Printed by" not in imprint.digital


def test_a_candidate_who_is_their_own_promoter_has_no_on_behalf_of() -> None:
    own = Campaign("own", "Own", promoter_name="Jo Candidate", promoter_address="2 Park Row",
                   on_behalf_of="Jo Candidate", printer="Home, 2 Park Row")  # fmt: skip
    assert imprint_of(own).digital == "Promoted by Jo Candidate, 2 Park Row."


def test_every_imprint_field_is_needed() -> None:
    with pytest.raises(KitRefused, match="--on-behalf-of, --printer"):
        imprint_of(Campaign("part", "Part", promoter_name="Sam", promoter_address="1 High St"))
    with pytest.raises(KitRefused, match="has no imprint yet"):
        imprint_of(Campaign("none", "None", printer="   "))


def test_the_privacy_link_must_be_https_and_the_organisation_named() -> None:
    check_privacy("Common Ground", "https://commonground.example/privacy")
    for url in ("", "http://commonground.example/privacy", "commonground.example/privacy"):
        with pytest.raises(KitRefused, match="privacy notice"):
            check_privacy("Common Ground", url)
    with pytest.raises(KitRefused, match="organisation's name"):
        check_privacy(" ", "https://commonground.example/privacy")


def test_the_payment_link_notice_fits_stripe() -> None:
    notice = link_notice(FULL, imprint_of(FULL), "Common Ground", "https://c.example/privacy")
    assert notice.startswith("Privacy: Common Ground collects your name")
    assert "https://c.example/privacy" in notice
    assert notice.endswith("on behalf of Jo Candidate, 2 Park Row, Leeds LS1 2BB.")
    assert len(notice) <= 1200
