"""Capítulo "Hola, mundo en PyTorch": crear un tensor e imprimirlo.

    python -m examples.01_hola_mundo --backend torch
"""
from __future__ import annotations

from course.backend import parse_command_line


def main(argv: list[str] | None = None) -> None:
    backend, _ = parse_command_line(__doc__.splitlines()[0], argv)
    torch = backend.torch

    hola_mundo = torch.tensor([1, 2, 3])
    print("Hola, mundo en PyTorch:", hola_mundo)
    # Si esto se imprime, la biblioteca está instalada y funciona en este entorno.
    print("Forma:", hola_mundo.shape, "| tipo:", hola_mundo.dtype, "| suma:", hola_mundo.sum().item())


if __name__ == "__main__":
    main()
