"""What the notifications function needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.notification_reader import DynamoNotificationReader
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.email_templates import JinjaRenderer
from wardfund.adapters.once_only_mailer import OnceOnlyMailer
from wardfund.adapters.s3_bank_files import S3BankFiles
from wardfund.adapters.ses_mailer import SesMailer
from wardfund.services.notification_ports import EmailContext, NotificationPorts
from wardfund.settings import get_settings, permissibility_rules

GENERIC_ORGANISATION = "the national organisation"


@cache
def notification_ports() -> NotificationPorts:
    settings = get_settings()
    mailer = SesMailer(
        settings.sender_address,
        sender_name=settings.organisation_name,
        reply_to=settings.reply_to_address,
        configuration_set=settings.ses_configuration_set,
    )
    return NotificationPorts(
        reader=DynamoNotificationReader(Table(settings.table_name)),
        bank_files=S3BankFiles(settings.bank_files_bucket),
        renderer=JinjaRenderer(),
        mailer=OnceOnlyMailer(mailer, settings.idempotency_table_name),
    )


@cache
def email_context() -> EmailContext:
    settings = get_settings()
    return EmailContext(
        organisation_name=settings.organisation_name or GENERIC_ORGANISATION,
        national_finance_email=settings.national_finance_email,
        customer_portal_url=settings.customer_portal_url,
        reply_to_address=settings.reply_to_address,
        payment_failed_emails=settings.payment_failed_emails,
        permissibility=permissibility_rules(),
    )
