"""dbt's exposures say who reads which mart (dbt docs shows each mart's readers): a test fails when
the API, the dashboard, the notifications or the exports read a mart their exposure does not list.
What a reader reads is every `marts.<name>` in the modules it imports (within the project), found
by walking the imports from its entry points."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from dagster_project.transform.dbt_models import ensure_manifest

PACKAGE = PROJECT_ROOT / "dagster_project"
MART = re.compile(r"\bmarts\.([a-z_]+)")

# exposures -> the modules that read for them (each with what it imports; one module writes both
# CSV exports); the shared server plumbing (services, app) is left out: it wires both readers and
# reads no mart itself
READERS = {
    ("analytics_api",): ["serve/api/routers"],
    ("dashboard",): ["serve/dashboard"],
    ("notifications",): ["notify"],
    ("spend_csv_export", "claude_code_csv_export"): ["exports/organization_csvs.py", "exports/spend_index.py"],
    ("mart_parquet_snapshots",): ["exports/parquet_snapshots.py"],
}
IGNORED = {"serve/core/services.py", "serve/app.py"}
# named in a module a reader imports, but never read by it: queries/skills_plugins.py builds the
# API's breakdowns too, and the pages ask for them without enables and installs
NOT_READ = {("dashboard", "skill_enables_daily"), ("dashboard", "plugin_installs_daily")}


def module_file(name: str) -> Path | None:
    path = PROJECT_ROOT / Path(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imports(path: Path) -> set[Path]:
    """The project's modules a file imports (relative and absolute imports resolved)."""
    package = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                for name in (f"{base}.{alias.name}", base):
                    if name.startswith("dagster_project") and (target := module_file(name)):
                        found.add(target)
                        break
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dagster_project") and (target := module_file(alias.name)):
                    found.add(target)
    return found


def marts_read(entries: list[str]) -> dict[str, set[str]]:
    """mart -> the files that name it, over the entry points and everything they import."""
    todo = [p for e in entries for p in ([PACKAGE / e] if e.endswith(".py") else sorted((PACKAGE / e).rglob("*.py")))]
    seen: set[Path] = set()
    read: dict[str, set[str]] = {}
    while todo:
        path = todo.pop()
        relative = path.relative_to(PACKAGE).as_posix()
        if path in seen or relative in IGNORED:
            continue
        seen.add(path)
        text = path.read_text()
        # the SQL a module runs is in its strings (f-strings' literal parts included), not in its
        # comments or docstrings
        tree = ast.parse(text)
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        strings = [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
        ]
        templates = [s for s in strings if s.endswith(".html")]
        for name in MART.findall("\n".join(strings)):
            read.setdefault(name, set()).add(relative)
        for template in templates:
            for name in MART.findall((PACKAGE / "serve" / "dashboard" / "templates" / template).read_text()):
                read.setdefault(name, set()).add(template)
        todo.extend(imports(path))
    return read


def exposures() -> dict[str, set[str]]:
    manifest = json.loads(ensure_manifest().read_text())
    return {
        exposure["name"]: {dep.split(".")[-1] for dep in exposure["depends_on"]["nodes"] if dep.startswith("model.")}
        for exposure in manifest["exposures"].values()
    }


def test_every_reader_lists_the_marts_it_reads():
    listed = exposures()
    marts = {
        p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql")
    }  # a `marts.` in a comment that names no mart is not a read
    missing = {}
    for names, entries in READERS.items():
        for name in names:
            assert name in listed, f"no exposure named {name} in dbt/models/_exposures.yml"
        allowed = set().union(*(listed[name] for name in names))
        for mart, files in sorted(marts_read(entries).items()):
            if mart in marts and mart not in allowed and (names[0], mart) not in NOT_READ:
                missing.setdefault(" or ".join(names), []).append(f"{mart} (read in {', '.join(sorted(files))})")
    assert not missing, f"marts read but not in the exposure's depends_on: {missing}"


def test_no_reader_lists_a_mart_it_does_not_read():
    """The server's and the notifications' reads are literal SQL, so a stale entry shows (the
    exports read the marts the catalog and the CSV layouts name, not literal SQL)."""
    listed = exposures()
    stale = {
        name: sorted(listed[name] - set(marts_read(entries)) - {m for reader, m in NOT_READ if reader == name})
        for names, entries in READERS.items()
        for name in names
        if name in ("analytics_api", "dashboard", "notifications")
    }
    assert stale == {name: [] for name in stale}, f"listed in depends_on but never read: {stale}"


def test_every_mart_has_a_reader():
    listed = set().union(*exposures().values())
    marts = {p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    assert sorted(marts - listed) == []
