"""Capítulo "Creación de tensores": las formas habituales de crear un tensor.

    python -m examples.02_creacion_tensores --backend torch
"""
from __future__ import annotations

import numpy as np

from course.backend import parse_command_line


def main(argv: list[str] | None = None) -> None:
    backend, _ = parse_command_line(__doc__.splitlines()[0], argv)
    torch = backend.torch

    print("1. A partir de una lista:", torch.tensor([1, 2, 3, 4, 5]))
    print("2. Ceros (3x4):\n", torch.zeros(3, 4))
    print("3. Unos (3x4):\n", torch.ones(3, 4))

    # torch.rand / torch.randn: con la misma semilla, los mismos números en ambas bibliotecas
    # (minitorch_ref reproduce el generador Mersenne Twister de torch; docs/es/aleatorio.md).
    torch.manual_seed(0)
    aleatorio = torch.rand(3, 4)
    print("4. rand(3, 4):\n", aleatorio)
    print("   ¿todos en [0, 1)?", bool(((aleatorio >= 0) & (aleatorio < 1)).all()))

    print("5. Secuencia arange(0, 10, step=2):", torch.arange(0, 10, step=2))
    normal = torch.randn(1000, 4)
    desviacion = ((normal - normal.mean()) ** 2).mean().sqrt()
    print("6. randn(1000, 4): forma", normal.shape, "- ¿media cercana a 0?", abs(normal.mean().item()) < 0.1,
          "- ¿desviación cercana a 1?", abs(desviacion.item() - 1) < 0.1)
    # empty no inicializa la memoria: su contenido es basura, solo su forma es fiable.
    print("7. empty(2, 3): forma", torch.empty(2, 3).shape)

    array = np.array([1, 2, 3, 4])
    desde_numpy = torch.from_numpy(array)
    print("8. Desde NumPy:", desde_numpy)
    array[0] = 100  # from_numpy comparte la memoria con el array
    print("   Tras cambiar el array, el tensor también cambia:", desde_numpy)

    print("9. Con tipo explícito:", torch.tensor([1.0, 2.0, 3.0], dtype=torch.float32),
          "- float64:", torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))

    # 10. En la GPU si la hay; el resultado se trae a la CPU para imprimirlo igual en todas partes.
    dispositivo = "cuda" if torch.cuda.is_available() else "cpu"
    en_dispositivo = torch.tensor([1, 2, 3], device=dispositivo)
    print("10. Creado en el dispositivo disponible y devuelto a la CPU:", en_dispositivo.cpu())


if __name__ == "__main__":
    main()
