"""The double-entry money ledger: accounts, immutable journal entries, two-phase holds."""
