"""Data-quality checks on ingested days: Great Expectations suites and the rejection rate."""
