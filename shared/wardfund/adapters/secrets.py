"""Secrets Manager through Powertools Parameters: fetched at run time, cached, never logged."""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters


def read_secret(name: str, max_age_seconds: int) -> str:
    if not name:
        raise RuntimeError("secret name is not configured")
    return parameters.get_secret(name, max_age=max_age_seconds)
