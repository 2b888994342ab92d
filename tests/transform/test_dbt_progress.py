"""The progress lines of dbt in the run's process (transform/dbt_in_process.py: node_end), from
dbt's own event types: every kind of event that ends a node gives the total and the node."""

from __future__ import annotations

from dbt.events.types import LogModelResult, LogNodeNoOpResult, LogTestResult, SkippingDetails

from dagster_project.transform.dbt_in_process import NODE_END_EVENTS, node_end


def test_every_node_end_gives_the_total_and_the_node_with_its_status():
    events = [
        LogModelResult(description="m", status="success", index=1, total=9, node_info={"unique_id": "model.a.m"}),
        # a test's result calls the total num_models
        LogTestResult(name="t", status="fail", index=2, num_models=9, node_info={"unique_id": "test.a.t"}),
        LogNodeNoOpResult(description="e", status="no-op", index=3, total=9, node_info={"unique_id": "exposure.a.e"}),
        # a node skipped after a failure has no status
        SkippingDetails(resource_type="model", schema="s", node_name="x", index=4, total=9, node_info={"unique_id": "model.a.x"}),
    ]
    assert {type(e).__name__ for e in events} <= NODE_END_EVENTS
    assert [node_end(e.pb_msg) for e in events] == [
        (9, "model.a.m success"),
        (9, "test.a.t fail"),
        (9, "exposure.a.e no-op"),
        (9, "model.a.x skipped"),
    ]
