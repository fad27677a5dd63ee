"""SES: the sender domain identity (Easy DKIM) and the configuration set emails go through."""

from __future__ import annotations

from aws_cdk import CfnOutput
from aws_cdk import aws_ses as ses
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig


class EmailSending(Construct):
    """`identity`: the domain identity for `sender_domain`; `configuration_set`: TLS required,
    bounces and complaints suppressed, reputation metrics on."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.configuration_set = self._build_configuration_set()
        self.identity = self._build_identity()
        self._build_dns_outputs()

    @property
    def configuration_set_name(self) -> str:
        return c.configuration_set_name(self._config.stage)

    def _build_configuration_set(self) -> ses.ConfigurationSet:
        configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=self.configuration_set_name,
            reputation_metrics=True,
            sending_enabled=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        )
        configuration_set.apply_removal_policy(self._config.removal_policy)
        return configuration_set

    def _build_identity(self) -> ses.EmailIdentity:
        identity = ses.EmailIdentity(
            self,
            "DomainIdentity",
            identity=ses.Identity.domain(self._config.sender_domain),
            configuration_set=self.configuration_set,
            dkim_signing=True,
        )
        identity.apply_removal_policy(self._config.removal_policy)
        return identity

    def _build_dns_outputs(self) -> None:
        """The three Easy DKIM CNAMEs an operator adds at the DNS provider."""
        for index in (1, 2, 3):
            name = getattr(self.identity, f"dkim_dns_token_name{index}")
            value = getattr(self.identity, f"dkim_dns_token_value{index}")
            CfnOutput(
                self,
                f"DkimRecord{index}",
                description=f"DKIM CNAME {index} for {self._config.sender_domain}",
                value=f"{name} CNAME {value}",
            )
