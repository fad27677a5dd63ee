"""Stand-ins for Lambda's runtime and event source mappings, which invoke the real handlers."""
