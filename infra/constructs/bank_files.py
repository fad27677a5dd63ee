"""The S3 bucket for bank-transfer CSV files, with its server access log bucket."""

from __future__ import annotations

from aws_cdk import Aws, Duration
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.nag import acknowledge


def import_bank_files_bucket(scope: Construct, construct_id: str, stage: str) -> s3.IBucket:
    """The bank-files bucket as seen from another stack (by its fixed name)."""
    name = c.bank_files_bucket_name(stage, Aws.ACCOUNT_ID, Aws.REGION)
    return s3.Bucket.from_bucket_name(scope, construct_id, name)


class BankFilesBucket(Construct):
    """`bucket`: weekly bank-transfer CSVs (private, SSE-S3, TLS only, versioned, lifecycle).
    `access_logs`: server access logs of `bucket` (who fetched which payment file, when)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.access_logs = self._build_access_log_bucket()
        self.bucket = self._build_bucket()

    def _build_access_log_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # S3 log delivery only writes to SSE-S3 buckets.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs",
                    expiration=Duration.days(c.ACCESS_LOGS_EXPIRY_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(
                        c.ABORT_INCOMPLETE_UPLOAD_DAYS
                    ),
                )
            ],
            removal_policy=self._config.removal_policy,
        )
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "This bucket is the access-log target of the bank-files bucket; logging its "
            "own accesses would need a third bucket and adds no audit value.",
        )
        return bucket

    def _build_bucket(self) -> s3.Bucket:
        return s3.Bucket(
            self,
            "Bucket",
            bucket_name=c.bank_files_bucket_name(self._config.stage, Aws.ACCOUNT_ID, Aws.REGION),
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="bank-files/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="age-out-bank-files",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(c.BANK_FILES_INFREQUENT_ACCESS_DAYS),
                        ),
                        s3.Transition(
                            storage_class=s3.StorageClass.GLACIER,
                            transition_after=Duration.days(c.BANK_FILES_GLACIER_DAYS),
                        ),
                    ],
                    noncurrent_version_expiration=Duration.days(
                        c.BANK_FILES_NONCURRENT_EXPIRY_DAYS
                    ),
                    abort_incomplete_multipart_upload_after=Duration.days(
                        c.ABORT_INCOMPLETE_UPLOAD_DAYS
                    ),
                )
            ],
            removal_policy=self._config.removal_policy,
        )
