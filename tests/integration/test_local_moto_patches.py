"""The local moto process's speed and isolation patches change no answer.

The same DynamoDB and SQS calls go to the patched moto process the local stack runs
(`MotoProcess`) and to moto's own, unpatched server; every reply must be the same once
the values moto makes up afresh (message ids, receipt handles, timestamps) are set aside.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from wardfund.local.aws.moto_process import MotoProcess, _free_port

Calls = Callable[[str], Any]
MADE_UP = {"MessageId", "ReceiptHandle", "ResponseMetadata", "SentTimestamp"}
MADE_UP |= {"ApproximateFirstReceiveTimestamp", "SenderId", "CreatedTimestamp"}


@pytest.fixture(scope="module")
def endpoints() -> Iterator[tuple[str, str]]:
    patched = MotoProcess().start()
    port = _free_port()
    plain = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    plain_url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{plain_url}/moto-api/", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    yield patched.endpoint, plain_url
    patched.stop()
    plain.terminate()
    plain.wait(timeout=10)


def client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def without_made_up(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_made_up(v) for k, v in value.items() if k not in MADE_UP}
    if isinstance(value, list):
        return [without_made_up(v) for v in value]
    return value


def replies(endpoint: str, script: Callable[[Any], list[Any]], service: str) -> list[Any]:
    return without_made_up(script(client(service, endpoint)))


RICH_ITEM = {
    "PK": {"S": "P#1"},
    "SK": {"S": "LINE#2026-06-03#b"},
    "amount": {"N": "1234"},
    "note": {"S": "héllo"},
    "blob": {"B": b"\x00\xffbytes"},
    "blobs": {"BS": [b"one", b"two"]},
    "tags": {"SS": ["a", "b"]},
    "counts": {"NS": ["1", "2.5"]},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "journal": {
        "L": [
            {"M": {"account": {"S": "campaign"}, "pence": {"N": "-800"}}},
            {"M": {"account": {"S": "national"}, "pence": {"N": "800"}, "x": {"L": []}}},
        ]
    },
    "figures": {"M": {"share": {"N": "800"}, "deep": {"M": {"b": {"B": b"\x01"}}}}},
}


FIRST_LINE = "LINE#2026-06-00#a"


def dynamodb_script(dynamodb: Any) -> list[Any]:
    table = "patched-or-not"
    dynamodb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in ("PK", "SK")],
        KeySchema=[
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
    )
    dynamodb.put_item(TableName=table, Item=RICH_ITEM)
    for pk in ("P#1", "P#2", "P#3"):
        for n in range(4):
            dynamodb.put_item(
                TableName=table,
                Item={"PK": {"S": pk}, "SK": {"S": f"LINE#2026-06-0{n}#a"}, "n": {"N": str(n)}},
            )
    out: list[Any] = []

    def query(pk: str, **more: Any) -> Any:
        return dynamodb.query(
            TableName=table,
            KeyConditionExpression="PK = :pk" + (" AND SK BETWEEN :lo AND :hi" if more else ""),
            ExpressionAttributeValues={":pk": {"S": pk}}
            | ({":lo": {"S": more["lo"]}, ":hi": {"S": more["hi"]}} if more else {}),
            ConsistentRead=True,
        )

    out.append(query("P#1"))
    out.append(query("P#1", lo="LINE#2026-06-02", hi="LINE#2026-06-03~"))
    out.append(query("P#2"))
    out.append(query("P#nobody"))
    out.append(
        dynamodb.query(
            TableName=table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "P#3"}},
            Limit=2,
            ScanIndexForward=False,
        )
    )
    key = {"PK": RICH_ITEM["PK"], "SK": RICH_ITEM["SK"]}
    out.append(dynamodb.get_item(TableName=table, Key=key))
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"PK": {"S": "P#4"}, "SK": {"S": "X"}}}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": key,
                        "ConditionExpression": "amount > :big",
                        "ExpressionAttributeValues": {":big": {"N": "99999"}},
                    }
                },
            ]
        )
    except ClientError as refused:
        out.append(refused.response["Error"]["Code"])
        out.append(refused.response.get("CancellationReasons"))
    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": key,
                    "UpdateExpression": "ADD amount :one SET note = :n",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":n": {"S": "updated"}},
                }
            },
            {"Put": {"TableName": table, "Item": {"PK": {"S": "P#5"}, "SK": {"S": "Y"}}}},
            {"Delete": {"TableName": table, "Key": {"PK": {"S": "P#2"}, "SK": {"S": FIRST_LINE}}}},
        ]
    )
    out.append(sorted(dynamodb.scan(TableName=table)["Items"], key=str))
    return out


def sqs_script(sqs: Any) -> list[Any]:
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]
    queue = sqs.create_queue(
        QueueName="events",
        Attributes={
            "VisibilityTimeout": "30",
            "RedrivePolicy": (
                f'{{"deadLetterTargetArn": "{dlq_arn["QueueArn"]}", "maxReceiveCount": "2"}}'
            ),
        },
    )["QueueUrl"]
    for n in range(25):
        sqs.send_message(
            QueueUrl=queue,
            MessageBody=f"event {n}",
            MessageAttributes={"kind": {"DataType": "String", "StringValue": f"k{n % 3}"}},
        )
    out: list[Any] = []

    def depth(url: str) -> dict[str, str]:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        return dict(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"])

    for _ in range(4):
        got = sqs.receive_message(
            QueueUrl=queue,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            AttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        out.append(without_made_up(got))
        out.append(depth(queue))
        if got:
            sqs.change_message_visibility_batch(
                QueueUrl=queue,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for i, m in enumerate(got)
                ],
            )
    out.append(depth(queue))
    out.append(depth(dlq))
    return out


def sqs_fifo_script(sqs: Any) -> list[Any]:
    """The payout tasks queue's ways (issue 16): groups, deduplication ids, batches."""
    queue = sqs.create_queue(
        QueueName="tasks.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "30"}
    )["QueueUrl"]
    out: list[Any] = []
    for start in range(0, 30, 10):
        answer = sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[
                {
                    "Id": str(n),
                    "MessageBody": f"task {n}",
                    "MessageGroupId": f"g{n % 7}",
                    "MessageDeduplicationId": f"d{n % 25}",  # the last five repeat earlier ids
                }
                for n in range(start, start + 10)
            ],
        )
        out.append(sorted(entry["Id"] for entry in answer.get("Successful", [])))
    names = ["ApproximateNumberOfMessages", "ContentBasedDeduplication", "FifoQueue"]
    out.append(dict(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]))
    for _ in range(3):
        got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        out.append(sorted(m["Body"] for m in got))
    return out


@pytest.mark.parametrize(
    ("service", "script"),
    [("dynamodb", dynamodb_script), ("sqs", sqs_script), ("sqs", sqs_fifo_script)],
)
def test_patched_moto_answers_as_moto_does(
    endpoints: tuple[str, str], service: str, script: Callable[[Any], list[Any]]
) -> None:
    patched, plain = endpoints
    assert replies(patched, script, service) == replies(plain, script, service)
