"""Local-only patches applied inside the moto process (DynamoDB, SQS, the JSON serializer)."""
