"""Every chapter script in examples/ runs on both backends and prints the same thing.

The scripts are called in this process (`main(argv)` with stdout captured), which saves
importing torch 22 times; two subprocess tests check that the documented command lines
(`python -m examples.NAME`, `python examples/NAME.py`) work too. Outputs are compared
after writing the package name one way (`minitorch_ref.` -> `torch.`) and dropping the
lines that report times ("Tiempo ...").
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course.backend import (
    BACKENDS,
    ENV_VAR,
    add_backend_argument,
    get_backend,
    parse_command_line,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(path.stem for path in (REPO_ROOT / "examples").glob("[0-9][0-9]_*.py"))
# Smaller runs where the defaults take more than a moment; every other example runs as is.
ARGS = {
    "06_entrenamiento": ["--epocas", "50"],
    "09_clasificacion_texto": ["--filas", "1500", "--filas-prueba", "400", "--epocas", "3"],
    "12_texto_recurrente": ["--filas", "400", "--filas-prueba", "100", "--epocas", "2"],
}



def run_example(name: str, backend: str, *args: str) -> str:
    """Run `examples/<name>.py` with `--backend backend` here and return what it printed."""
    module = importlib.import_module(f"examples.{name}")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        module.main(["--backend", backend, *args])
    return output.getvalue()


def normalized(output: str) -> str:
    lines = [line for line in output.splitlines() if not line.startswith("Tiempo")]
    return "\n".join(lines).replace("minitorch_ref", "torch")


def test_every_chapter_has_an_example():
    assert len(EXAMPLES) == 12, EXAMPLES
    assert EXAMPLES[0] == "01_hola_mundo" and EXAMPLES[-2:] == ["11_torch_compile", "12_texto_recurrente"]


def test_recurrent_example_with_an_lstm():
    """`--capa lstm`: the same recipe with an LSTM (its (h_n, c_n) state) prints the same on both backends."""
    args = ["--capa", "lstm", "--filas", "300", "--filas-prueba", "100", "--epocas", "1"]
    outputs = {backend: run_example("12_texto_recurrente", backend, *args) for backend in BACKENDS}
    assert "(rnn): LSTM(32, 32, batch_first=True)" in outputs["numpy"]
    assert "Precisión en prueba (LSTM)" in outputs["numpy"]
    assert normalized(outputs["numpy"]) == normalized(outputs["torch"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_the_same_on_both_backends(name, tmp_path):
    args = ARGS.get(name, [])
    if name == "07_visualizacion_perdida":
        outputs = {}
        for backend in BACKENDS:
            figure = tmp_path / f"{backend}.png"
            outputs[backend] = run_example(name, backend, *args, "--salida", str(figure))
            assert figure.read_bytes().startswith(b"\x89PNG"), f"{backend}: no PNG written"
            outputs[backend] = outputs[backend].replace(str(figure), "<figura>")
    else:
        outputs = {backend: run_example(name, backend, *args) for backend in BACKENDS}
    assert outputs["torch"].strip(), "the example printed nothing"
    assert normalized(outputs["numpy"]) == normalized(outputs["torch"])


def test_text_example_on_real_ag_news(ag_news_path):
    """`--data-dir` reads AG_NEWS (train_first10000.csv / test.csv) and still agrees across backends."""
    args = ["--data-dir", str(ag_news_path), "--filas", "1000", "--filas-prueba", "300", "--epocas", "2"]
    outputs = {backend: run_example("09_clasificacion_texto", backend, *args) for backend in BACKENDS}
    assert "Filas de entrenamiento: 1000, de prueba: 300" in outputs["numpy"]
    assert normalized(outputs["numpy"]) == normalized(outputs["torch"])


@pytest.mark.parametrize("command", [
    ["-m", "examples.01_hola_mundo", "--backend", "numpy"],
    ["examples/01_hola_mundo.py", "--backend", "torch"],
])
def test_command_lines(command):
    done = subprocess.run([sys.executable, *command], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Hola, mundo en PyTorch: tensor([1, 2, 3])")


# --------------------------------------------------------------------------- course.backend


def test_get_backend_gives_each_library_and_its_models():
    for name, package in (("numpy", "minitorch_ref"), ("torch", "torch")):
        backend = get_backend(name)
        assert backend.name == name and backend.package == package
        assert backend.torch.__name__ == package
        model = backend.models.SimpleNN(3, 2, 1)
        assert isinstance(model, backend.torch.nn.Module)
        assert type(model).__module__ == ("minitorch_ref.models" if name == "numpy" else "torch_impl.models")


def test_backend_name_from_environment_and_errors(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "torch")
    assert get_backend().name == "torch"
    assert get_backend(" NumPy ").name == "numpy"
    monkeypatch.delenv(ENV_VAR)
    assert get_backend().name == "numpy"
    with pytest.raises(ValueError, match=r"unknown backend 'jax': choose one of numpy, torch"):
        get_backend("jax")


def test_backend_command_line_option(monkeypatch, capsys):
    backend, _ = parse_command_line("prueba", ["--backend", "torch"])
    assert backend.name == "torch"
    with pytest.raises(SystemExit):
        parse_command_line("prueba", ["--backend", "tensorflow"])
    assert "invalid choice: 'tensorflow'" in capsys.readouterr().err
    monkeypatch.setenv(ENV_VAR, "torch")
    assert add_backend_argument(argparse.ArgumentParser()).parse_args([]).backend == "torch"


def test_from_numpy_accepts_read_only_and_strided_arrays():
    array = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]
    array.flags.writeable = False
    for name in BACKENDS:
        tensor = get_backend(name).from_numpy(array)
        assert tensor.tolist() == array.tolist()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """The examples read $MINITORCH_BACKEND only as a default; tests set --backend explicitly."""
    monkeypatch.delenv(ENV_VAR, raising=False)
