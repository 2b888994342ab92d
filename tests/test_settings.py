"""Settings read from the environment: a bad value is a clear error naming the variable."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.core.environ import environment
from dagster_project.settings import Settings, first_dump_date_from_env, seconds_from_env


def test_the_first_dump_date_is_in_settings_and_a_bad_one_is_named():
    with environment({"ANALYTICS_FIRST_DUMP_DATE": "2026-03-01"}):
        assert Settings.from_env().first_dump_date == first_dump_date_from_env() == dt.date(2026, 3, 1)
    with (
        environment({"ANALYTICS_FIRST_DUMP_DATE": "March"}),
        pytest.raises(ValueError, match="ANALYTICS_FIRST_DUMP_DATE='March'"),
    ):
        Settings.from_env()


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_a_sensor_interval_is_a_positive_whole_number_of_seconds(value):
    assert seconds_from_env("ANALYTICS_TEST_INTERVAL", 60) == 60
    with environment({"ANALYTICS_TEST_INTERVAL": "15"}):
        assert seconds_from_env("ANALYTICS_TEST_INTERVAL", 60) == 15
    with environment({"ANALYTICS_TEST_INTERVAL": value}), pytest.raises(ValueError, match="ANALYTICS_TEST_INTERVAL"):
        seconds_from_env("ANALYTICS_TEST_INTERVAL", 60)
