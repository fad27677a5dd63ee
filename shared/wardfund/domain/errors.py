"""Domain errors: raised below, mapped to HTTP answers or batch failures in one place above."""


class WardfundError(Exception):
    """Base of every error the domain raises on purpose."""


class UnbalancedEntry(WardfundError):
    """A journal entry whose debits and credits differ: never written."""


class InvalidAmount(WardfundError):
    """A money amount that is not a non-negative integer of pence."""


class DependencyNotYetSeen(WardfundError):
    """The event needs another one that has not been processed yet (retry later)."""


class InvalidCampaign(WardfundError):
    """Campaign settings that break the agreement's rules."""
