"""SES (v2): one email to one recipient, as simple content, or as raw MIME when it carries an
attachment. The sender identity, reply-to and configuration set come from settings."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import TYPE_CHECKING, Any, cast

import boto3

from wardfund.services.notification_ports import OutgoingEmail

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client

KIND_HEADER = "X-Wardfund-Kind"
UTF8 = "UTF-8"


def mime_message(email: OutgoingEmail, sender: str, reply_to: str) -> EmailMessage:
    """The MIME form: text and HTML alternatives, then each attachment."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
    message[KIND_HEADER] = email.kind
    message.set_content(email.text, charset="utf-8")
    message.add_alternative(email.html, subtype="html", charset="utf-8")
    for attachment in email.attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


class SesMailer:
    def __init__(
        self,
        sender_address: str,
        sender_name: str = "",
        reply_to: str = "",
        configuration_set: str = "",
        client: SESV2Client | None = None,
    ) -> None:
        self.sender = formataddr((sender_name, sender_address)) if sender_name else sender_address
        self.reply_to = reply_to
        self.configuration_set = configuration_set
        self.client: SESV2Client = client or boto3.client("sesv2")

    def _common(self, email: OutgoingEmail) -> dict[str, Any]:
        common: dict[str, Any] = {
            "FromEmailAddress": self.sender,
            "Destination": {"ToAddresses": [email.to]},
            "EmailTags": [{"Name": "kind", "Value": email.kind}],
        }
        if self.reply_to:
            common["ReplyToAddresses"] = [self.reply_to]
        if self.configuration_set:
            common["ConfigurationSetName"] = self.configuration_set
        return common

    def _content(self, email: OutgoingEmail) -> dict[str, Any]:
        if email.attachments:
            raw = mime_message(email, self.sender, self.reply_to).as_bytes()
            return {"Raw": {"Data": raw}}
        return {
            "Simple": {
                "Subject": {"Data": email.subject, "Charset": UTF8},
                "Body": {
                    "Text": {"Data": email.text, "Charset": UTF8},
                    "Html": {"Data": email.html, "Charset": UTF8},
                },
                "Headers": [{"Name": KIND_HEADER, "Value": email.kind}],
            }
        }

    def send(self, email: OutgoingEmail) -> str:
        reply = self.client.send_email(
            **cast(Any, self._common(email) | {"Content": self._content(email)})
        )
        return str(reply["MessageId"])
