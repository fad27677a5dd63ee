"""The outbox: every email the local stack sent, written out as files, and their screenshots."""
