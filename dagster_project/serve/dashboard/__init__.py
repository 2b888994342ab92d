"""The dashboard (SPEC §8): sign-in with a key, then All activity, Claude.ai and Claude Code pages."""
