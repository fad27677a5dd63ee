"""A wardfund Lambda function: its own role, its own log group, the shared layer, Powertools env.

Every function gets a role that starts with nothing but "write to my log group" (and X-Ray,
which has no resource-level permissions); each concern construct then adds exactly the
statements its handler needs with `allow(...)` (or `allow_on_objects(...)` for a bucket's objects).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Annotations, AssetHashType, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.role_policy import acknowledge_wildcard, allow
from infra.nag import acknowledge
from infra.packaging import BuiltAsset, build_function, build_layer

RUNTIME: lambda_.Runtime = getattr(lambda_.Runtime, "PYTHON_" + c.PYTHON_VERSION.replace(".", "_"))
ARCHITECTURE = lambda_.Architecture.ARM_64


class DependenciesLayer(Construct):
    """One layer with the third-party runtime dependencies (see infra/packaging.py)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.asset = build_layer()
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            code=_code(self.asset),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="wardfund runtime dependencies (powertools, pydantic, stripe, jinja2)",
        )


class WardfundFunction(Construct):
    """`function`, `role` and `log_group` of one handler in `functions/`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: c.FunctionSpec,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        environment: Mapping[str, str],
        reserved_concurrency: int | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        async_retries: c.AsyncRetries | None = None,
    ) -> None:
        """`dead_letter_queue` and `async_retries` apply to asynchronous invocations only
        (Scheduler, SNS): Lambda retries a failed event, then sends it to the queue."""
        super().__init__(scope, construct_id)
        self.spec = spec
        self._config = config
        self.asset = build_function(spec)
        self.log_group = self._build_log_group()
        self.role = self._build_role()
        self.function = self._build_function(
            layer=layer,
            environment=environment,
            reserved_concurrency=reserved_concurrency,
            dead_letter_queue=dead_letter_queue,
        )
        if async_retries is not None:
            self.function.configure_async_invoke(
                retry_attempts=async_retries.attempts,
                max_event_age=Duration.hours(async_retries.max_event_age_hours),
            )
        self._acknowledge_xray_wildcard()
        self._acknowledge_pinned_runtime()
        self._warn_if_handler_missing()

    def allow(
        self,
        actions: Sequence[str],
        resources: Sequence[str],
        conditions: Mapping[str, Any] | None = None,
    ) -> None:
        """Add one least-privilege statement to this function's role."""
        allow(self.role, actions, resources, conditions)

    def allow_on_objects(self, actions: Sequence[str], bucket: s3.IBucket, why: str) -> None:
        """Add a statement for `actions` on every object of `bucket`, and acknowledge the
        cdk-nag finding for that one wildcard resource with `why`."""
        objects = bucket.arn_for_objects("*")
        self.allow(actions, [objects])
        acknowledge_wildcard(self.role, objects, why)

    def _build_log_group(self) -> logs.LogGroup:
        return logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays[c.LOG_RETENTION[self._config.stage]],
            removal_policy=self._config.removal_policy,
        )

    def _build_role(self) -> iam.Role:
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"wardfund {self._config.stage} {self.spec.key} function",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        return role

    def _build_function(
        self,
        *,
        layer: lambda_.ILayerVersion,
        environment: Mapping[str, str],
        reserved_concurrency: int | None,
        dead_letter_queue: sqs.IQueue | None,
    ) -> lambda_.Function:
        log_level = self._config.log_level
        return lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=self.spec.handler,
            code=_code(self.asset),
            layers=[layer],
            description=self.spec.description,
            memory_size=self.spec.memory_mb,
            timeout=Duration.seconds(self.spec.timeout_seconds),
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel[log_level],
            system_log_level_v2=lambda_.SystemLogLevel.INFO,
            tracing=lambda_.Tracing.ACTIVE,
            reserved_concurrent_executions=reserved_concurrency,
            dead_letter_queue=dead_letter_queue,
            environment={
                "POWERTOOLS_SERVICE_NAME": c.POWERTOOLS_SERVICE_NAME,
                "POWERTOOLS_METRICS_NAMESPACE": c.POWERTOOLS_METRICS_NAMESPACE,
                "LOG_LEVEL": log_level,
                **environment,
            },
        )

    def _acknowledge_xray_wildcard(self) -> None:
        policy = self.role.node.try_find_child("DefaultPolicy")
        if policy is not None:
            acknowledge(
                policy,
                "AwsSolutions-IAM5[Resource::*]",
                "Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by "
                "Tracing.ACTIVE) use Resource '*': X-Ray has no resource-level permissions. "
                "tests/infra asserts every other statement of this role is scoped to an ARN.",
            )

    def _acknowledge_pinned_runtime(self) -> None:
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            f"The runtime is pinned to python{c.PYTHON_VERSION} (infra/constants.py "
            "PYTHON_VERSION) because the layer's binary wheels (pydantic-core, markupsafe, "
            "wrapt, charset-normalizer) are built for that CPython ABI and the app is tested on "
            "it; moving to a newer runtime is a one-constant change that rebuilds the layer.",
        )

    def _warn_if_handler_missing(self) -> None:
        if self.asset.missing:
            Annotations.of(self).add_warning_v2(
                "wardfund:handler-missing",
                f"{', '.join(self.asset.missing)} does not exist yet; the {self.spec.key} "
                "function would fail at run time if deployed now.",
            )


def _code(asset: BuiltAsset) -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(asset.path), asset_hash=asset.input_hash, asset_hash_type=AssetHashType.CUSTOM
    )
