"""The dbt unit tests (dbt/models/**/_*__unit_tests.yml) pass: hand-worked inputs of the tricky definitions."""

import os
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR
from tests.conftest import Warehouse


def test_dbt_unit_tests_pass(fixture_warehouse: Warehouse):
    # unit tests need the upstream relations for column types: the fixture warehouse has them
    env = {**os.environ, **fixture_warehouse.env}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(fixture_warehouse.root / "dbt_unit_target"),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " 12 unit tests " in result.stdout and "ERROR=0" in result.stdout, result.stdout[-3000:]
