"""cdk-nag 3.x acknowledgments: one rule (or one finding) on one construct, with a reason.

cdk-nag 3 reads CDK's native `Validations.of(construct).acknowledge(...)` records; a finding is
acknowledged when the record sits on the flagged resource or one of its parents, so call this on
the narrowest construct that carries the finding. Granular findings use the
`RuleId[FindingId]` form, e.g. `AwsSolutions-IAM5[Resource::*]`.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct

MIN_REASON_LENGTH = 40


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    if not rule_id.startswith("AwsSolutions-"):
        raise ValueError(f"not an AwsSolutions rule id: {rule_id!r}")
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(f"acknowledging {rule_id} needs a written reason, got {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def resource_finding(scope: IConstruct, rule: str, resource: str) -> str:
    """The granular finding id cdk-nag reports for one IAM `Resource` value, e.g.
    `AwsSolutions-IAM5[Resource::<BucketArn>/*]`, computed the way cdk-nag flattens
    CloudFormation references (utils/flatten-cfn-reference in cdk-nag)."""
    resolved = Stack.of(scope).resolve(resource)
    return f"{rule}[Resource::{_flatten(resolved)}]"


def _flatten(node: Any) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict):
        if "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return str(delimiter).join(_flatten(item) for item in items)
        if "Fn::Sub" in node:
            return _flatten(node["Fn::Sub"])
        if "Fn::GetAtt" in node:
            resource, attribute = node["Fn::GetAtt"]
            return f"<{_flatten(resource)}.{_flatten(attribute)}>"
        if "Fn::ImportValue" in node:
            return _flatten(node["Fn::ImportValue"])
        if "Ref" in node:
            return f"<{_flatten(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"), ensure_ascii=False)
