"""The local AWS: the moto process, its patches, the resources on it and the emails SES sent."""
