"""Capítulo "Conversión y operación de tensores": NumPy, aritmética, dtype, forma, agregados, índices.

    python -m examples.04_conversion_operaciones --backend torch
"""
from __future__ import annotations

import numpy as np

from course.backend import parse_command_line


def main(argv: list[str] | None = None) -> None:
    backend, _ = parse_command_line(__doc__.splitlines()[0], argv)
    torch = backend.torch
    torch.manual_seed(4)  # la misma semilla da los mismos números en ambas bibliotecas

    # 1. Creación.
    print("1. Formas de empty, zeros y ones:", torch.empty(3, 4).shape, torch.zeros(3, 4).shape,
          torch.ones(3, 4).shape)

    # 2. Conversión entre tensores y NumPy.
    tensor = torch.rand(3, 3)
    array_numpy = tensor.numpy()
    print("2. De tensor a NumPy:", type(array_numpy).__name__, array_numpy.dtype, array_numpy.shape)
    print("   De NumPy a tensor:", torch.from_numpy(np.array([[1, 2], [3, 4]])))

    # 3. Operaciones elemento a elemento y producto matricial.
    x, y = torch.rand(2, 3), torch.rand(2, 3)
    print("3. x + y:\n", x + y)
    print("   x * y (Hadamard):\n", x * y)
    print("   matmul(3x2, 2x4):\n", torch.matmul(torch.rand(3, 2), torch.rand(2, 4)))

    # 4. Tipos de datos.
    print("4. ones con dtype float32:", torch.ones(3, dtype=torch.float32).dtype)
    escalado = torch.rand(2, 3) * 10
    print("   A enteros con .to(torch.int32) (trunca hacia cero):", escalado.to(torch.int32))

    # 5. CPU y GPU: .to("cuda") solo si hay una; aquí todo vuelve a la CPU.
    dispositivo = "cuda" if torch.cuda.is_available() else "cpu"
    print("5. Ida y vuelta al dispositivo conserva los valores:",
          bool((x.to(dispositivo).to("cpu") == x).all()))

    # 6. Forma: view y transpose.
    cuadrado = torch.rand(4, 4)
    print("6. view(2, 8):", cuadrado.view(2, 8).shape, "| transpose(0, 1) de 2x3:",
          torch.transpose(torch.rand(2, 3), 0, 1).shape)

    # 7. Agregados.
    t = torch.from_numpy(np.arange(9, dtype=np.float32).reshape(3, 3))
    print("7. Tensor:\n", t)
    print("   Suma total:", t.sum(), "| media de cada fila (dim=1):", t.mean(dim=1))

    # 8. Índices y cortes.
    print("8. Elemento [1, 2]:", t[1, 2])
    t[1, 2] = 10
    print("   Tras t[1, 2] = 10, segunda columna t[:, 1]:", t[:, 1], "| fila 1:", t[1])

    # 9. Concatenación.
    a, b = torch.zeros(2, 3), torch.ones(2, 3)
    print("9. cat dim=0:", torch.cat((a, b), dim=0).shape, "| cat dim=1:", torch.cat((a, b), dim=1).shape)

    # 10. Comparación: un tensor de booleanos.
    print("10. x > 0.5:\n", x > 0.5)


if __name__ == "__main__":
    main()
