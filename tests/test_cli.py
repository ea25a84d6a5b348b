"""The command line, run as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "scenarios" / "us_iran_2020.yaml"


def escalation(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "escalation.cli", *args], capture_output=True, text=True,
        cwd=ROOT, timeout=120,
    )


def test_validate_accepts_the_seed_scenario() -> None:
    result = escalation("validate", str(SEED))
    assert result.returncode == 0, result.stderr
    assert "valid scenario 'us_iran_2020'" in result.stdout


def test_validate_reports_file_line_field_and_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(SEED.read_text().replace("resolve: 0.8", "resolv: 0.8"))
    result = escalation("validate", str(broken))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = next(n for n, text in enumerate(broken.read_text().splitlines(), 1) if "resolv:" in text)
    assert f"{broken}:{line}:" in result.stderr
    assert "actors.israel.resolv" in result.stderr and "did you mean 'resolve'" in result.stderr


def test_validate_never_shows_a_traceback_for_garbage(tmp_path: Path) -> None:
    cases = {"binary.yaml": b"\xff\xfe\x00garbage", "deep.yaml": b"[" * 20000,
             "laughs.yaml": b"a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                            b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                            b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                            b"g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = escalation("validate", str(path))
        assert result.returncode == 2, name
        assert "Traceback" not in result.stderr and str(path) in result.stderr, name
    for missing in (tmp_path / "nope.yaml", tmp_path):
        result = escalation("validate", str(missing))
        assert result.returncode == 2 and "Traceback" not in result.stderr


def test_trace_is_readable_and_byte_for_byte_reproducible() -> None:
    first = escalation("trace", str(SEED), "--seed", "7")
    second = escalation("trace", str(SEED), "--seed", "7")
    other = escalation("trace", str(SEED), "--seed", "8")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout != other.stdout
    text = first.stdout
    assert "targeted_killing" in text and "soleimani" in text
    assert "perceives" in text and "outcome:" in text and "day  0 00:06" in text


def test_trace_replays_a_run_of_a_batch() -> None:
    result = escalation("trace", str(SEED), "--seed", "42", "--run", "1234")
    assert result.returncode == 0 and "seed 42, run 1234" in result.stdout


def test_schema_is_json_schema_of_the_format() -> None:
    result = escalation("schema")
    schema = json.loads(result.stdout)
    whole = schema["$defs"]["ScenarioFile"]
    assert whole["type"] == "object"
    assert {"name", "actors"} <= set(whole["required"])
    assert "Actor" in schema["$defs"] and "ThreatThenEnforce" in schema["$defs"]
    assert schema["$defs"]["VariantFile"]["required"] == ["extends"]
