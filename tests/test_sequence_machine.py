"""Generated sequences of operator actions (Hypothesis' stateful testing): whatever the order, after
every run the published warehouse and the exports readers see equal a build from scratch of the dump
directory as the runs saw it (SPEC §2.5, §6); after a failed run, the previous published state.

Actions: a night of any date, a backfill of any range, a day delivered again, a removed folder, a
poison line, a run that fails at any step with a full disk, a lost working file, a lost published
file. The model keeps, per dump date, its folder's content as of the last run that covered it (a
run covers its dates, every date a failed run still owes, and every dump date when the working file
is new); the expected state is a real build from scratch of that content (cached by content).

`make test` walks a few steps (ANALYTICS_SEQUENCE_STEPS, default 3, two sequences); `make soak` walks
200 (ANALYTICS_SEQUENCE_STEPS a sequence, ANALYTICS_SEQUENCE_EXAMPLES sequences, ANALYTICS_SEQUENCE_SEED). A sequence that
fails is printed step by step by Hypothesis: each one found becomes a plain test in
tests/test_operator_sequences.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from dagster_project.cli import failure_messages
from tests.conftest import Warehouse, copy_first_days, dump_dates, exported_files, published_fingerprint

pytestmark = pytest.mark.job

STEPS = int(os.environ.get("ANALYTICS_SEQUENCE_STEPS", "3"))
# each sequence draws its steps from a generator seeded by Hypothesis (its first, simplest example
# included: Hypothesis' own draws would repeat one action there, all of make soak's 200 steps)
EXAMPLES = int(os.environ.get("ANALYTICS_SEQUENCE_EXAMPLES", "2"))
SEED = int(os.environ.get("ANALYTICS_SEQUENCE_SEED", "20261206"))
DAYS = 4
FAIL_POINTS = ("ingest", "dbt", "exports", "publish", "exports_move")
SOURCES = ("events", "usage", "claude_code", "snapshots")
ACTIONS = ("nothing", "deliver_again", "remove_folder", "poison_line", "lose_working_file", "lose_published_file")

POISON = ["\n", "not json\n", '{"event_id": 1e999}\n', '{"event_id": "x", "event_id": "y"}\n']
Content = dict[str, bytes]  # path relative to the dump directory -> bytes


def folder_content(raw: Path, day: str) -> Content:
    """Every file of the day's folders, of the four sources and of any other folder (an unknown
    source's files are listed in raw.ignored_files, which a build from scratch must list too)."""
    out = {}
    for top in sorted(p for p in raw.iterdir() if p.is_dir()):
        folder = top / f"dt={day}"
        if folder.is_dir():
            out.update({p.relative_to(raw).as_posix(): p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()})
    return out


class OperatorSequence(RuleBasedStateMachine):
    scratch_cache: dict[str, tuple[dict, dict]] = {}

    @initialize(seed=st.integers(0, 2**32 - 1))
    def start(self, seed):
        self.rng = random.Random(seed)
        self.root = Path(tempfile.mkdtemp(prefix="sequence-"))
        self.raw = copy_first_days(self.root / "raw", DAYS)
        self.days = dump_dates(self.raw)
        self.warehouse = Warehouse(self.root / "wh", self.raw)
        self.covered: dict[str, Content] = {}  # what the published state should hold, per dump date
        self.owed: set[str] = set()  # dates a failed run left to the next one
        self.exports_settled = True  # False after a failed exports move, until the next run
        self.published_lost = False
        self.log: list[str] = []

    def teardown(self):
        print("sequence:", " / ".join(self.log))  # shown by pytest when the test fails
        shutil.rmtree(self.root, ignore_errors=True)

    # -- runs ------------------------------------------------------------------------------------
    def covering(self, start: str, end: str) -> set[str]:
        dates = {d for d in self.days if start <= d <= end} | self.owed
        if not self.warehouse.work.exists():  # a new working file: every dump date is rebuilt
            dates |= {p.name[3:] for s in SOURCES for p in (self.raw / s).glob("dt=*")}
        return dates

    def run(self, start: str, end: str, fail_at: str | None = None) -> None:
        self.log.append(f"run {start}..{end}" + (f" failing at {fail_at}" if fail_at else ""))
        print(
            f"step {sum(e.startswith('run ') for e in self.log)}: {' / '.join(self.log[-2:])}", flush=True
        )  # make soak streams these (-s)
        dates = self.covering(start, end)
        before = published_fingerprint(self.warehouse) if self.warehouse.published.exists() else None
        if fail_at:
            self.warehouse.extra_env["ANALYTICS_FAILPOINT"] = f"{fail_at}:enospc"
        try:
            result = self.warehouse.run(start, end)
        finally:
            self.warehouse.extra_env.pop("ANALYTICS_FAILPOINT", None)
        if fail_at is None:
            assert result.success, f"{self.log}: {failure_messages(result)}"
            self.covered.update({d: folder_content(self.raw, d) for d in dates})
            self.owed, self.exports_settled, self.published_lost = set(), True, False
            return
        assert not result.success, f"{self.log}: a run failing at {fail_at} succeeded"
        assert any("No space left on device" in m for m in failure_messages(result)), failure_messages(result)
        self.owed |= dates
        if fail_at == "exports_move":  # after the commit point: the new state is published
            self.covered.update({d: folder_content(self.raw, d) for d in dates})
            self.exports_settled, self.published_lost = False, False
        elif before is not None:
            assert published_fingerprint(self.warehouse) == before, f"{self.log}: a failed run changed what readers see"

    # -- one step: what operators and deliveries do, then a run -------------------------------------
    @rule()
    def step(self):
        rng = self.rng
        action, kind, point = rng.choice(ACTIONS), rng.choice(["night", "backfill", "failed"]), rng.choice(FAIL_POINTS)
        day = rng.choice(self.days)
        # while a failed run's work is owed the dump directory stays as it is, so that the model
        # knows which content the next run reads
        if action in ("deliver_again", "remove_folder", "poison_line") and self.owed:
            action = "nothing"
        getattr(self, action)(day)
        if kind == "night":
            self.run(day, day)
        elif kind == "backfill":
            self.run(day, rng.choice([d for d in self.days if d >= day]))
        else:
            self.run(day, day, fail_at=point)

    def nothing(self, day):
        pass

    def deliver_again(self, day):
        path = self.raw / "usage" / f"dt={day}" / "part-0001.jsonl"
        if not path.exists():
            return
        lines = path.read_text().splitlines()
        if lines:
            record = json.loads(lines[0])
            changed = {**record, "usage_id": f"{record.get('usage_id', 'use')}_again", "cost_usd": "1.250000"}
            path.write_text("\n".join([*lines[1:], json.dumps(changed)]) + "\n")  # one withdrawn, one new
        self.log.append(f"usage of {day} delivered again")

    def remove_folder(self, day):
        shutil.rmtree(self.raw / "events" / f"dt={day}", ignore_errors=True)
        self.log.append(f"events of {day} removed")

    def poison_line(self, day):
        poison = self.rng.choice(POISON)
        folder = self.raw / "events" / f"dt={day}"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "part-0000-poison.jsonl", "a") as fh:
            fh.write(poison)
        self.log.append(f"poison line in events of {day}")

    def lose_working_file(self, day):
        for path in (self.warehouse.work, self.warehouse.work.with_name(self.warehouse.work.name + ".wal")):
            path.unlink(missing_ok=True)
        self.log.append("working file deleted")

    def lose_published_file(self, day):
        self.warehouse.published.unlink(missing_ok=True)
        self.published_lost = True
        self.log.append("published file deleted")

    # -- the promise -----------------------------------------------------------------------------
    def from_scratch(self) -> tuple[dict, dict] | None:
        content = {path: data for day in sorted(self.covered) for path, data in self.covered[day].items()}
        if not content:
            return None
        digest = hashlib.sha256(json.dumps(sorted((p, hashlib.sha256(d).hexdigest()) for p, d in content.items())).encode())
        key = digest.hexdigest()
        if key not in self.scratch_cache:
            root = self.root / f"scratch-{key[:12]}"
            for path, data in content.items():
                (root / "raw" / path).parent.mkdir(parents=True, exist_ok=True)
                (root / "raw" / path).write_bytes(data)
            scratch = Warehouse(root / "wh", root / "raw")
            dates = dump_dates(root / "raw")
            assert scratch.run(dates[0], dates[-1]).success, "the build from scratch failed"
            self.scratch_cache[key] = (published_fingerprint(scratch), exported_files(scratch, staged=False))
            shutil.rmtree(root, ignore_errors=True)
        return self.scratch_cache[key]

    @invariant()
    def readers_see_a_build_from_scratch(self):
        if not getattr(self, "covered", None) or self.published_lost or not self.exports_settled:
            return
        expected = self.from_scratch()
        if expected is None:
            return
        fingerprint, files = expected
        actual = published_fingerprint(self.warehouse)
        differing = sorted(t for t in set(actual) | set(fingerprint) if actual.get(t) != fingerprint.get(t))
        assert not differing, f"published tables {differing} differ from a build from scratch after {self.log}"
        assert exported_files(self.warehouse, staged=False) == files, f"exports after {self.log}"


def test_any_sequence_of_operator_actions_leaves_what_a_build_from_scratch_would():
    OperatorSequence.scratch_cache = {}
    # seeded: the same sequences on every machine, so a failure here fails in CI too
    OperatorSequence._hypothesis_internal_use_seed = SEED  # what @seed sets (hypothesis/stateful.py)
    run_state_machine_as_test(
        OperatorSequence,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS + 1,  # the initialize rule counts as one
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
        _min_steps=STEPS + 1,  # Hypothesis' first sequence is otherwise the shortest, which runs nothing
    )
