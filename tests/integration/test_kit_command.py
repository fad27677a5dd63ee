"""`wardfund kit`: Payment Links made through the Stripe stand-in (reused the second time),
with campaign and ward in the metadata the pipeline reads and the privacy line and imprint
in their custom text; the A4 sheet's QR codes decode back to the links, in the HTML as
headless Chromium renders it and in the PDF, and the sheet's imprint, privacy line and the
organisation's name are in the PDF's text and in the screenshot (read back by OCR); a
campaign without its imprint gets no kit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.integration.operations import as_json, ok, register, said, wardfund
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import LocalStack

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ZBARIMG = shutil.which("zbarimg")
PDFTOPPM = shutil.which("pdftoppm")
TESSERACT = shutil.which("tesseract")


def decode(png: Path) -> set[str]:
    assert ZBARIMG, "zbarimg is missing: scripts/bootstrap installs zbar-tools"
    done = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return {line.strip() for line in done.stdout.splitlines() if line.strip()}


def chromium_png(html: Path, png: Path, profile: Path) -> None:
    assert CHROMIUM, "chromium is missing: scripts/bootstrap installs it"
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--hide-scrollbars", "--window-size=794,1123",
            "--force-device-scale-factor=2", f"--screenshot={png}", html.resolve().as_uri(),
        ],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip


PRIVACY_URL = "https://commonground.example/privacy"
IMPRINT = {
    "promoter_name": "Sam Agent",
    "promoter_address": "1 High Street, Leeds LS1 1AA",
    "on_behalf_of": "Jo Candidate, 2 Park Row, Leeds LS1 2BB",
    "printer": "Quick Print Ltd, 3 Mill Lane, Leeds LS2 3CC",
}
PRINTED_IMPRINT = (
    "Printed by Quick Print Ltd, 3 Mill Lane, Leeds LS2 3CC. Promoted by Sam Agent, "
    "1 High Street, Leeds LS1 1AA, on behalf of Jo Candidate, 2 Park Row, Leeds LS1 2BB."
)


def with_imprint(stack: LocalStack, **settings: Any) -> Campaign:
    return register(stack, **IMPRINT | settings)


def make_kit(cid: str, ward: str, out: Path, *extra: str) -> dict[str, Any]:
    return json.loads(
        ok(
            "kit", cid, ward, "--output-dir", str(out), "--json", "--privacy-url", PRIVACY_URL,
            "--organisation", "Common Ground", *extra,
        ).stdout
    )  # fmt: skip


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_kit_makes_links_with_the_metadata_the_pipeline_reads(
    stack: LocalStack, tmp_path: Path
) -> None:
    campaign = with_imprint(stack)
    cid = campaign.campaign_id
    # When a kit is made for a ward
    made = make_kit(cid, "Queen's Park", tmp_path)
    # Then there are five links: £5, £10, £20 a month, a chosen monthly amount, a one-off
    assert [link["item"] for link in made["links"]] == [
        "monthly_500", "monthly_1000", "monthly_2000", "monthly_choose", "one_off",
    ]  # fmt: skip
    assert not any(link["reused"] for link in made["links"])
    created = {link["id"]: link for link in stack.stripe.payment_links()}
    for link in made["links"]:
        plink = created[link["id"]]
        assert plink["url"] == link["url"]
        assert plink["metadata"] == {
            "campaign": cid, "ward": "Queen's Park", "wardfund_kit": link["item"],
        }  # fmt: skip
        if link["item"] == "one_off":
            assert plink["payment_intent_data"]["metadata"] == {
                "campaign": cid, "ward": "Queen's Park",
            }  # fmt: skip
            assert plink["submit_type"] == "donate"
        else:
            assert plink["subscription_data"]["metadata"] == {
                "campaign": cid, "ward": "Queen's Park",
            }  # fmt: skip
    # And each link shows the donor the privacy line and the imprint beside the pay button
    for link in made["links"]:
        notice = created[link["id"]]["custom_text"]["submit"]["message"]
        assert f"How your data is used and your rights: {PRIVACY_URL}" in notice
        assert "Common Ground collects your name" in notice
        assert "Promoted by Sam Agent, 1 High Street, Leeds LS1 1AA, on behalf of Jo" in notice
        assert "Printed by" not in notice  # online: no printer
    # And a second run reuses every link (no new ones), and the prices are shared
    again = make_kit(cid, "Queen's Park", tmp_path)
    assert [link["id"] for link in again["links"]] == [link["id"] for link in made["links"]]
    assert all(link["reused"] for link in again["links"])
    assert len(stack.stripe.payment_links()) == len(created)
    # And another ward gets its own links
    other = make_kit(cid, "Headingley", tmp_path)
    assert not {link["id"] for link in other["links"]} & set(created)
    # And the audit trail says who made them
    audit = as_json("campaign", "show", cid)["audit"]
    kits = [a["detail"] for a in audit if a["action"] == "kit prepared"]
    assert kits == [
        "Queen's Park: 5 link(s) created, 0 reused",
        "Queen's Park: 0 link(s) created, 5 reused",
        "Headingley: 5 link(s) created, 0 reused",
    ]


def test_a_deactivated_link_is_replaced(stack: LocalStack, tmp_path: Path) -> None:
    import stripe

    campaign = with_imprint(stack)
    made = make_kit(campaign.campaign_id, "Hyde", tmp_path)
    client = stripe.StripeClient("sk_test_wardfund_local", base_addresses={"api": stack.stripe.url})
    client.v1.payment_links.update(made["links"][0]["id"], params={"active": False})
    again = make_kit(campaign.campaign_id, "Hyde", tmp_path)
    assert again["links"][0]["id"] != made["links"][0]["id"]
    assert [link["reused"] for link in again["links"]] == [False, True, True, True, True]


def pdftotext(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: scripts/bootstrap installs poppler-utils"
    done = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    return done.stdout


def ocr(png: Path) -> str:
    """The screenshot's text as Tesseract reads it."""
    assert TESSERACT, "tesseract is missing: scripts/bootstrap installs tesseract-ocr"
    done = subprocess.run([TESSERACT, str(png), "-", "--psm", "4"], capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    return done.stdout


def require_qr_tools() -> None:
    """Skip without the tools, unless WARDFUND_REQUIRE_CHROMIUM says they must be there
    (CI, after scripts/bootstrap): then their absence is a failure, as for the screenshots."""
    missing = [
        name
        for name, path in (
            ("chromium", CHROMIUM),
            ("zbarimg", ZBARIMG),
            ("pdftoppm", PDFTOPPM),
            ("tesseract", TESSERACT),
        )
        if not path
    ]
    if not missing:
        return
    if os.environ.get("WARDFUND_REQUIRE_CHROMIUM"):
        pytest.fail(f"{', '.join(missing)} required here: run scripts/bootstrap")
    pytest.skip(
        f"needs chromium, zbar-tools, poppler-utils, tesseract-ocr ({', '.join(missing)} missing)"
    )


def test_every_qr_code_on_the_sheet_decodes_to_its_link(stack: LocalStack, tmp_path: Path) -> None:
    require_qr_tools()
    campaign = with_imprint(stack)
    made = make_kit(campaign.campaign_id, "Ynys Môn", tmp_path, "--monthly", "3,7.50,15,25")
    urls = {link["url"] for link in made["links"]}
    assert len(urls) == 6
    html, pdf = Path(made["html"]), Path(made["pdf"])
    page = html.read_text()
    assert campaign.name in page
    assert "Ynys Môn" in page
    assert "first monthly payment is doubled while the match lasts" in page
    # The HTML as Chromium renders it
    png = tmp_path / "sheet.png"
    chromium_png(html, png, tmp_path / "chromium-profile")
    assert png.stat().st_size > 10_000
    assert decode(png) == urls
    # The PDF, rasterised
    assert PDFTOPPM, "pdftoppm is missing: scripts/bootstrap installs poppler-utils"
    subprocess.run(
        [PDFTOPPM, "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "pdf")],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    assert decode(tmp_path / "pdf.png") == urls
    assert pdf.read_bytes().startswith(b"%PDF")
    # The imprint, the privacy line and the organisation are on the sheet: in the HTML,
    # in the PDF's text, and in the screenshot as Chromium renders it (read back by OCR)
    assert PRINTED_IMPRINT in flat(page)
    assert f'href="{PRIVACY_URL}"' in page
    pdf_text = flat(pdftotext(pdf))
    assert PRINTED_IMPRINT in pdf_text
    assert f"How your data is used and your rights: {PRIVACY_URL}" in pdf_text
    assert "A ward assembly of " + campaign.name + ", with Common Ground." in pdf_text
    # And Chromium prints the HTML sheet on one A4 page, the imprint on it
    printed = tmp_path / "printed.pdf"
    subprocess.run(
        [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={tmp_path / 'chromium-print'}", "--no-pdf-header-footer",
         f"--print-to-pdf={printed}", html.resolve().as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    printed_text = pdftotext(printed)
    assert printed_text.rstrip("\f").count("\f") == 0, "the sheet prints on more than one page"
    assert PRINTED_IMPRINT in flat(printed_text)
    seen = squash(ocr(png))  # letters and digits only: OCR's spacing and dots vary
    for words in ("Printed by Quick Print Ltd", "Promoted by Sam Agent", "on behalf of Jo",
                  "Privacy: Common Ground collects your name", "commonground.example/privacy",
                  "with Common Ground"):  # fmt: skip
        assert squash(words) in seen, (words, seen)


def test_no_doubling_line_once_the_match_is_used_up(stack: LocalStack, tmp_path: Path) -> None:
    campaign = with_imprint(stack, match_cap_pence=0)
    made = make_kit(campaign.campaign_id, "Hyde", tmp_path)
    assert "payment is doubled" not in Path(made["html"]).read_text()
    assert "will be doubled" not in Path(made["html"]).read_text()


def test_bad_inputs(stack: LocalStack, tmp_path: Path) -> None:
    campaign = with_imprint(stack, withdrawn_at=None)
    gone = with_imprint(stack)
    ok("campaign", "withdraw", gone.campaign_id, "--at", "2026-01-01T00:00")
    cases = {
        ("kit", "no-such", "Hyde"): "no campaign with id 'no-such'",
        ("kit", campaign.campaign_id, "  "): "the ward needs a name",
        ("kit", campaign.campaign_id, "?!"): "needs at least one letter or digit",
        ("kit", campaign.campaign_id, "Hyde", "--monthly", "0.50"): "must be £1 or more",
        ("kit", campaign.campaign_id, "Hyde", "--monthly", "five"): "must be an amount",
        ("kit", gone.campaign_id, "Hyde"): "no longer in the agreement",
    }
    for args, message in cases.items():
        result = wardfund(
            *args, "--output-dir", str(tmp_path / "bad"), "--privacy-url", PRIVACY_URL
        )
        assert result.exit_code == 2, (args, result.output)
        assert message in said(result), (args, said(result))
    assert stack.stripe.payment_links() == [] or all(
        link["metadata"]["campaign"] not in (campaign.campaign_id, gone.campaign_id)
        for link in stack.stripe.payment_links()
    )
    assert not (tmp_path / "bad").exists() or not any((tmp_path / "bad").iterdir())


def test_no_kit_without_the_imprint_or_a_privacy_link(stack: LocalStack, tmp_path: Path) -> None:
    bare = register(stack)
    out = ("--output-dir", str(tmp_path / "none"), "--privacy-url", PRIVACY_URL)
    refused = wardfund("kit", bare.campaign_id, "Hyde", *out)
    assert refused.exit_code == 2, refused.output
    assert f"campaign {bare.campaign_id} has no imprint yet" in said(refused)
    assert "--promoter, --promoter-address, --on-behalf-of, --printer" in said(refused)
    # Given the imprint, set the way a treasurer would
    ok(
        "campaign", "update", bare.campaign_id, "--promoter", "Sam Agent",
        "--promoter-address", "1 High Street, Leeds LS1 1AA",
        "--on-behalf-of", "Jo Candidate, 2 Park Row, Leeds LS1 2BB",
        "--printer", "Quick Print Ltd, 3 Mill Lane, Leeds LS2 3CC",
    )  # fmt: skip
    # Then a privacy notice link is still needed, and must be https
    for bad in ("", "http://commonground.example/privacy"):
        result = wardfund("kit", bare.campaign_id, "Hyde", "--output-dir", str(tmp_path / "none"),
                          "--privacy-url", bad)  # fmt: skip
        assert result.exit_code == 2
        assert "donors need a privacy notice where they give" in said(result)
    assert not (tmp_path / "none").exists()
    assert all(link["metadata"]["campaign"] != bare.campaign_id
               for link in stack.stripe.payment_links())  # fmt: skip
    made = make_kit(bare.campaign_id, "Hyde", tmp_path)
    assert PRINTED_IMPRINT in flat(Path(made["html"]).read_text())
    shown = as_json("campaign", "show", bare.campaign_id)["campaign"]
    assert (shown["promoter_name"], shown["campaign_type"]) == ("Sam Agent", "candidate")


def test_the_organisers_copy_carries_the_wards_live_page(stack: LocalStack, tmp_path: Path) -> None:
    import urllib.request

    require_qr_tools()
    campaign = with_imprint(stack)
    cid = campaign.campaign_id
    # When a kit is made
    made = make_kit(cid, "Queen's Park", tmp_path)
    # Then it names the ward's live page on the local endpoint
    live = f"{stack.live_url}/{cid}/queen-s-park"
    assert made["live_page"] == live
    # and the organiser's copy carries it, as an address and a QR code, on a second page
    copy_html, copy_pdf = Path(made["organiser_html"]), Path(made["organiser_pdf"])
    assert f'data-live-url="{live}"' in copy_html.read_text()
    assert live not in Path(made["html"]).read_text()  # the tables' sheet does not
    text = pdftotext(copy_pdf)
    assert text.rstrip("\f").count("\f") == 1, "the organiser's copy is two pages"
    second = flat(text.rstrip("\f").split("\f")[1])
    assert "For the organiser: Queen's Park's live page" in second
    assert live in second
    assert PRINTED_IMPRINT in second
    assert PDFTOPPM
    subprocess.run(
        [PDFTOPPM, "-r", "150", "-png", "-f", "2", "-singlefile", str(copy_pdf),
         str(tmp_path / "organiser")],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    assert decode(tmp_path / "organiser.png") == {live}
    assert copy_html.read_text().count("<svg") == len(made["links"]) + 1
    # And the page there answers, naming the ward as the kit did, before any gift
    with urllib.request.urlopen(live, timeout=10) as answer:
        page = answer.read().decode()
    assert "Queen&#39;s Park ward assembly" in page
    assert "no new monthly donors yet" in page
