"""Run a long-lived command (`dagster dev`, `dagster-daemon run`) so that Ctrl-C or SIGTERM stops it,
and everything it started, within seconds.

    python tools/supervise.py [--grace SECONDS] -- COMMAND [ARGS...]

`dagster dev` shuts down cleanly on SIGINT but not on the SIGTERM that `make` forwards (its
webserver, daemon and code servers outlive it), and a Ctrl-C reaches every process of the
terminal's group at once, in no order. So the command runs in a process group of its own; on
SIGINT or SIGTERM this supervisor sends SIGINT to that group (dagster's graceful shutdown), and
SIGKILL to whatever is left after the grace period. A run that dies this way is finished by the
next run (docs/operations.md). Exits with the command's exit code; after a stop it asked for,
0 when the command ended within the grace period (a requested stop is not a failure: `make` then
prints no "Error 130"), else 128 + the signal.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grace", type=float, default=5.0, help="seconds between SIGINT and SIGKILL")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    children: list[subprocess.Popen] = []
    stopping: list[int] = []

    def interrupt_group() -> None:
        try:
            os.killpg(children[0].pid, signal.SIGINT)
        except ProcessLookupError:
            pass

    def stop(signum, _frame):
        if not stopping:
            print(
                f"\nstopping {os.path.basename(command[0])} (signal {signal.Signals(signum).name})...",
                file=sys.stderr,
                flush=True,
            )
            stopping.append(signum)
            if children:
                interrupt_group()

    # the handlers come before the command starts: a handled signal is reset to its default in the
    # command, while an ignored one would be inherited (started in the background, where the shell
    # ignores SIGINT, the command could not be stopped by the SIGINT below)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    children.append(subprocess.Popen(command, start_new_session=True))
    child = children[0]
    if stopping:  # asked to stop while the command was starting
        interrupt_group()
    deadline = None
    killed = False
    while child.poll() is None:
        time.sleep(0.2)
        if stopping and deadline is None:
            deadline = time.monotonic() + args.grace
        if deadline is not None and time.monotonic() >= deadline:
            print(f"still running after {args.grace:.0f} s: killing it", file=sys.stderr, flush=True)
            killed = True
            break
    # the group may outlive its leader (dagster's webserver and code servers): nothing stays behind
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()
    if stopping:
        print("stopped", file=sys.stderr, flush=True)
        return 128 + stopping[0] if killed else 0
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
