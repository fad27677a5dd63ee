"""One synthesised CDK app for the whole test session (synthesis takes ~10 s).

The app holds both stages side by side, exactly as `infra/app.py` builds each of them:
* dev  - cdk.json defaults (weekly payouts, no Stripe Event Destination, no alert email);
* prod - fortnightly payouts, alert email, the email content choices (organisation name,
  customer portal, payment-failed emails, permissibility thresholds), the national account
  the bank files pay from, and the optional Stripe Event Destination path.
so the tests see the defaults, the prod-only retention, and the optional path in one synth.

Run these without xdist workers (`uv run pytest tests/infra -q`): each worker would synthesise
its own copy of the app.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, Stack
from aws_cdk.assertions import Template
from constructs import IConstruct

from infra.app import add_nag, add_stage, cdk_json_context
from infra.config import StageConfig
from infra.stacks.stateful_stack import StatefulStack
from infra.stacks.stateless_stack import StatelessStack

PROD_CONTEXT = {
    "stage": "prod",
    "payout_frequency": "fortnightly",
    "sender_domain": "mail.wardfund.example",
    "alert_email": "ops@wardfund.example",
    "stripe_event_destination": True,
    "stripe_event_source_name": "aws.partner/stripe.com/acct_123/ed_test_456",
    "organisation_name": "Common Ground",
    "customer_portal_url": "https://billing.stripe.com/p/login/wardfund",
    "payment_failed_emails": True,
    "permissibility_thresholds_pence": [50000, 7500],  # as cdk.json would hold it
    # the account the run's bank files pay from, and its Bacs Service User Number
    "national_bank_account_name": "Common Ground",
    "national_bank_sort_code": "60-16-13",
    "national_bank_account_number": "31926819",
    "bacs_service_user_number": "123456",
}

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.infra)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "infra: CDK template tests (one synth per session)")


@dataclass
class StageTemplates:
    config: StageConfig
    stateful: StatefulStack
    stateless: StatelessStack
    stateful_template: Template
    stateless_template: Template

    @staticmethod
    def lid(construct: IConstruct) -> str:
        """Logical id of an L2's CloudFormation resource (or of an L1 itself)."""
        element = construct.node.default_child or construct
        stack = Stack.of(construct)
        return str(stack.resolve(stack.get_logical_id(element)))  # type: ignore[arg-type]

    def ref(self, construct: IConstruct) -> dict[str, str]:
        return {"Ref": self.lid(construct)}

    def arn(self, construct: IConstruct, attribute: str = "Arn") -> dict[str, list[str]]:
        return {"Fn::GetAtt": [self.lid(construct), attribute]}

    def resource(self, construct: IConstruct) -> dict[str, Any]:
        """The template JSON of a construct's resource, from whichever stack holds it."""
        in_stateful = Stack.of(construct).node.path == self.stateful.node.path
        kind = "stateful" if in_stateful else "stateless"
        return self.resources(kind)[self.lid(construct)]

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        """Resources of one stack ('stateful' or 'stateless') as plain JSON."""
        template = self.stateful_template if kind == "stateful" else self.stateless_template
        return dict(template.to_json()["Resources"])

    def resolve_cross_stack(self, value: Any) -> Any:
        """Replace `Fn::GetStackOutput` (weak cross-stack references, see cdk.json) by the
        producing output's value, so an IAM resource reads `{"Fn::GetAtt": [<table>, "Arn"]}`."""
        outputs = self.stateful_template.to_json().get("Outputs", {})
        if isinstance(value, dict):
            if set(value) == {"Fn::GetStackOutput"}:
                reference = value["Fn::GetStackOutput"]
                assert reference["StackName"] == self.stateful.stack_name
                return outputs[reference["OutputName"]]["Value"]
            return {k: self.resolve_cross_stack(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_cross_stack(v) for v in value]
        return value


@dataclass
class Synthesis:
    app: App
    outdir: Path
    dev: StageTemplates
    prod: StageTemplates

    @property
    def stages(self) -> tuple[StageTemplates, StageTemplates]:
        return (self.dev, self.prod)

    def template_texts(self) -> Iterator[tuple[str, str]]:
        for path in sorted(self.outdir.glob("*.template.json")):
            yield path.name, path.read_text()


def _config(context: dict[str, Any]) -> StageConfig:
    return StageConfig.from_context(context.get)


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    outdir = tmp_path_factory.mktemp("cdk.out")
    base = cdk_json_context()
    app = App(context=base, outdir=str(outdir))
    dev_config = _config(base)
    prod_config = _config({**base, **PROD_CONTEXT})
    dev_stacks = add_stage(app, dev_config)
    prod_stacks = add_stage(app, prod_config)
    add_nag(app)
    app.synth()

    def stage(config: StageConfig, stacks: tuple[StatefulStack, StatelessStack]) -> StageTemplates:
        stateful, stateless = stacks
        return StageTemplates(
            config=config,
            stateful=stateful,
            stateless=stateless,
            stateful_template=Template.from_stack(stateful),
            stateless_template=Template.from_stack(stateless),
        )

    return Synthesis(
        app=app,
        outdir=outdir,
        dev=stage(dev_config, dev_stacks),
        prod=stage(prod_config, prod_stacks),
    )


@pytest.fixture(scope="session")
def dev(synth: Synthesis) -> StageTemplates:
    return synth.dev


@pytest.fixture(scope="session")
def prod(synth: Synthesis) -> StageTemplates:
    return synth.prod
