"""The notebooks in notebooks/ run without errors, and are stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STORED = sorted(p for p in ROOT.rglob("*.ipynb")
                if not any(part.startswith(".") or part in {"node_modules", "build", "dist"}
                           for part in p.relative_to(ROOT).parts))


def test_there_are_notebooks() -> None:
    assert {p.name for p in NOTEBOOKS} >= {
        "01_us_iran_2020.ipynb", "02_what_if.ipynb", "03_write_your_own.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    # "python3" is the kernel ipykernel installs into the environment's share/jupyter, and the
    # one jupyter_client provides for the running interpreter when ipykernel is importable.
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()   # raises CellExecutionError, naming the cell, on the first error
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("path", STORED, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_stored_stripped(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, (f"{path.relative_to(ROOT)}: cells {dirty} have outputs or execution counts; "
                       "clear them (python notebooks/build_notebooks.py, or jupyter nbconvert "
                       "--clear-output --inplace)")
