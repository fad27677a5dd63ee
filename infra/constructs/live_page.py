"""The ward nights' public live pages (issue 17): an HTTP API of its own, `GET /live/{proxy+}`
-> the LivePage function, which can read three kinds of item of the table and nothing else.

Why API Gateway + Lambda rather than a static page in S3 and a JSON endpoint: the page is
the same for every night and is rendered with its figures, so there is nothing to build or
upload per ward night, and one URL (the kit's QR code) needs no second origin; a static
site would still need the same function for the figures, plus a bucket, CloudFront and its
own findings. See docs/live-page.md.

Least privilege: GetItem only, on the table only, each statement bound to partition keys
(`dynamodb:LeadingKeys`) and to the attributes the page projects (`dynamodb:Attributes`,
with `dynamodb:Select` and a required projection): the nights' counters (`LIVE#...`), the
campaigns' public settings (`CAMPAIGN`), and the `match` counter of a campaign's items
(`CAMPAIGN#...`). No write action, no Query, no Scan. Throttled by the stage (429 beyond
it) and bounded by the function's reserved concurrency.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.http_api import add_lambda_route, build_http_api
from infra.constructs.lambda_function import WardfundFunction
from wardfund.adapters.dynamodb.live_nights import (
    BALANCE_ATTRIBUTES,
    LIVE_PREFIX,
    NIGHT_ATTRIBUTES,
    PUBLIC_CAMPAIGN_ATTRIBUTES,
)
from wardfund.adapters.dynamodb.table import CAMPAIGNS_PK
from wardfund.web.limits import BURST_LIMIT, RATE_LIMIT_PER_SECOND, RESERVED_CONCURRENCY
from wardfund.web.live_page import LIVE_PATH

KEY_ATTRIBUTES = (c.TABLE_PARTITION_KEY, c.TABLE_SORT_KEY)
# (partition keys, attributes) the live function may read: one IAM statement each.
LIVE_READS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    ((f"{LIVE_PREFIX}*",), NIGHT_ATTRIBUTES),
    ((CAMPAIGNS_PK,), PUBLIC_CAMPAIGN_ATTRIBUTES),
    (("CAMPAIGN#*",), BALANCE_ATTRIBUTES),
)


def read_only_condition(
    leading_keys: Sequence[str], attributes: Sequence[str]
) -> dict[str, dict[str, object]]:
    """GetItem of items under these partition keys, projecting these attributes only."""
    return {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(leading_keys)},
        "ForAllValues:StringEquals": {"dynamodb:Attributes": [*KEY_ATTRIBUTES, *attributes]},
        "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
        "Null": {"dynamodb:Attributes": "false"},
    }


class LivePage(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
    ) -> None:
        super().__init__(scope, construct_id)
        self.page = WardfundFunction(
            self,
            "LivePage",
            spec=c.LIVE_PAGE,
            config=config,
            layer=layer,
            reserved_concurrency=RESERVED_CONCURRENCY,
            environment={"TABLE_NAME": table.table_name},
        )
        for leading_keys, attributes in LIVE_READS:
            self.page.allow(
                ["dynamodb:GetItem"],
                [table.table_arn],
                read_only_condition(leading_keys, attributes),
            )
        self.api, self.stage = build_http_api(
            self,
            config,
            description=f"wardfund {config.stage}: ward nights' live pages (public, read-only)",
            rate_limit=RATE_LIMIT_PER_SECOND,
            burst_limit=BURST_LIMIT,
        )
        self.route = add_lambda_route(
            self.api,
            path=f"{LIVE_PATH}/{{proxy+}}",
            method=apigw.HttpMethod.GET,
            integration_id="LivePageIntegration",
            function=self.page.function,
            unauthenticated_because="The live page is public by design: a room's projector and "
            "phones open it from a QR code, without an account. It is GET only, shows a ward "
            "night's totals and the campaign's imprint, and its function can read nothing else "
            "(IAM conditions on partition keys and attributes); the stage throttles it.",
        )

    @property
    def url(self) -> str:
        """The live pages' base: `<url>/<campaign>/<ward key>[/<yyyy-mm-dd>]`."""
        return f"{self.api.api_endpoint}{LIVE_PATH}"
