"""The wardfund CDK app: `python -m infra.app` (or `npx cdk synth`, see cdk.json).

Context (cdk.json or `-c key=value`): stage (dev|prod), payout_frequency (weekly|fortnightly),
sender_domain, reply_to_address, national_finance_email, alert_email, organisation_name,
customer_portal_url, payment_failed_emails (true|false), permissibility_thresholds_pence,
stripe_event_destination (true|false) with stripe_event_source_name, log_level, and optionally
account/region (otherwise the stacks are environment-agnostic, so synth needs no AWS account).

cdk-nag's AwsSolutions pack runs as a CDK validation plugin (cdk-nag 3.x). Because CDK only
fails synth on *error*-level findings and only when it runs in-process, the app checks again
after synth and exits non-zero on any unacknowledged finding, warnings included.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Environment, Stack, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from infra import constants as c
from infra.config import ConfigError, StageConfig
from infra.stacks.stateful_stack import StatefulStack
from infra.stacks.stateless_stack import StatelessStack

CDK_JSON = c.REPO_ROOT / "cdk.json"


def add_stage(app: App, config: StageConfig) -> tuple[StatefulStack, StatelessStack]:
    """Both stacks of one stage; several stages may share one app (the tests do)."""
    env = Environment(account=config.account, region=config.region)
    stateful = StatefulStack(
        app,
        c.stack_name(config.stage, "Stateful"),
        config=config,
        env=env,
        description=f"wardfund {config.stage}: tables, bank-files bucket, secrets, SES identity",
    )
    stateless = StatelessStack(
        app,
        c.stack_name(config.stage, "Stateless"),
        config=config,
        stateful=stateful,
        env=env,
        description=f"wardfund {config.stage}: API, functions, queues, schedule, alarms",
    )
    for stack in (stateful, stateless):
        Tags.of(stack).add("project", c.APP_NAME.lower())
        Tags.of(stack).add("stage", config.stage)
    return stateful, stateless


def add_nag(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def cdk_json_context() -> dict[str, Any]:
    """cdk.json's context (feature flags, default stage...), so `python -m infra.app` and
    the tests synthesise exactly what `cdk synth` does."""
    return dict(json.loads(CDK_JSON.read_text()).get("context", {}))


def build_app(context: Mapping[str, Any] | None = None, outdir: str | None = None) -> App:
    """The app for the stage named in context.

    Precedence, lowest first: cdk.json, `context` (tests), then the CDK CLI's context
    (cdk.json + `-c key=value`, passed in the environment)."""
    app = App(context={**cdk_json_context(), **(context or {})}, outdir=outdir)
    config = StageConfig.from_context(app.node.try_get_context)
    add_stage(app, config)
    add_nag(app)
    return app


def unacknowledged_findings(app: App) -> list[str]:
    """Every AwsSolutions finding not acknowledged with `Validations.of(...).acknowledge`.

    Call after `app.synth()`, when the construct tree is final."""
    report = AwsSolutionsChecks().validate_scope(app)
    findings = []
    for violation in report.violations:
        for resource in violation.violating_resources:
            findings.append(
                f"[{violation.severity or 'error'}] {resource.construct_path}: "
                f"{violation.rule_name} {violation.description}"
            )
    return sorted(findings)


def stacks_of(app: App) -> list[Stack]:
    return [child for child in app.node.children if isinstance(child, Stack)]


def main() -> int:
    # Run directly (not by the CDK CLI, which sets CDK_OUTDIR): write to ./cdk.out as the CLI does.
    outdir = None if os.environ.get("CDK_OUTDIR") else str(c.REPO_ROOT / "cdk.out")
    try:
        app = build_app(outdir=outdir)
    except ConfigError as error:
        print(f"wardfund: {error}", file=sys.stderr)
        return 2
    app.synth()
    findings = unacknowledged_findings(app)
    if findings:
        print("cdk-nag: unacknowledged AwsSolutions findings:", file=sys.stderr)
        for finding in findings:
            print(f"  {finding}", file=sys.stderr)
        print(
            "Fix the resource, or acknowledge the finding on the narrowest construct with "
            "Validations.of(construct).acknowledge(id=..., reason=...).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
