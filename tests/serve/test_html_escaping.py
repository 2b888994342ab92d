"""Every value from raw data that reaches a page is escaped for where it lands (SPEC §8): text and
attributes by the templates, the charts' data inside <script type="application/json">."""

from __future__ import annotations

import json
import re

import pytest

from dagster_project.serve.dashboard.format import script_json
from dagster_project.serve.dashboard.templating import templates

HOSTILE = [
    "</script><meta http-equiv=refresh content=0;url=https://example.invalid><script>",
    "</SCRIPT >",
    "<!--<script>",
    "a & b > c",
    "line\u2028separator\u2029",
    '"quoted" \\ backslash',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_chart_data_cannot_leave_its_script_element(text):
    encoded = str(script_json({"spend_by_model": {"x": [text], "spend_usd": [1]}, "name": text}))
    assert not re.search(r"[<>&\u2028\u2029]", encoded)
    assert json.loads(encoded) == {"spend_by_model": {"x": [text], "spend_usd": [1]}, "name": text}


def test_page_templates_escape_text_and_attributes():
    rendered = templates.env.from_string('<p title="{{ v }}">{{ v }}</p>').render(v=HOSTILE[0] + '" onmouseover="x')
    assert "<script>" not in rendered and "<meta" not in rendered and '" onmouseover' not in rendered
