"""Helpers every layer may use and that use no layer: files written aside and renamed, the run's
pending-work ledger."""
