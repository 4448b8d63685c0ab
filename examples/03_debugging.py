"""Capítulo "Debugging de operaciones con tensores": formas, tipos, NaN/Inf, gradientes, impresión.

    python -m examples.03_debugging --backend torch
"""
from __future__ import annotations

import numpy as np

from course.backend import parse_command_line


def main(argv: list[str] | None = None) -> None:
    backend, _ = parse_command_line(__doc__.splitlines()[0], argv)
    torch = backend.torch
    torch.manual_seed(3)  # la misma semilla da los mismos números en ambas bibliotecas

    # 1. La forma es lo primero que hay que mirar cuando una operación falla.
    a = torch.rand(3, 4)
    b = torch.rand(3, 4)
    print("1. Formas:", a.shape, b.shape)
    try:
        torch.matmul(a, b)
    except RuntimeError:
        print("   matmul(3x4, 3x4) falla: las dimensiones internas no coinciden (4 != 3)")
    print("   Transponiendo b sí funciona:", torch.matmul(a, b.t()).shape)

    # 2. Imprimir el contenido y sus propiedades en puntos intermedios.
    print("2. Contenido de a:\n", a)
    print("   dtype:", a.dtype, "| device:", a.device)

    # 3. assert para validar lo que esperamos antes de seguir.
    assert a.shape == (3, 4), "El tensor no tiene la forma correcta"
    print("3. assert a.shape == (3, 4): correcto")

    # 4. Los tensores de una operación deben estar en el mismo dispositivo: se elige uno
    #    y se mueven todos a él con .to(dispositivo).
    dispositivo = "cuda" if torch.cuda.is_available() else "cpu"
    suma = a.to(dispositivo) + b.to(dispositivo)
    print("4. Suma en el mismo dispositivo, de vuelta en la CPU:", suma.cpu().shape)

    # 5. Valores no finitos.
    raros = torch.tensor([float("inf"), -float("inf"), float("nan"), 1.0])
    print("5. isnan:", torch.isnan(raros), "| isinf:", torch.isinf(raros))
    print("   Una división por cero da:", torch.tensor([1.0, 0.0]) / torch.tensor([0.0, 0.0]))

    # 6. Autograd: el gradiente de x**2 en x = 2 es 2x = 4.
    x = torch.tensor([2.0], requires_grad=True)
    y = x ** 2
    y.backward()
    print("6. x.grad de y = x**2 en x = 2:", x.grad)

    # 7. Opciones de impresión para tensores grandes.
    torch.set_printoptions(precision=3, edgeitems=2, linewidth=75)
    print("7. Un tensor de 1000x4 resumido:\n", torch.rand(1000, 4))
    torch.set_printoptions(profile="default")  # volver a las opciones por defecto

    # 8. Para inspeccionar un tensor de la GPU se copia a la CPU con .cpu() (como en 4).
    # 9. Comparar con NumPy: el mismo cálculo debe dar lo mismo.
    array = a.numpy()
    assert np.allclose(a.sum().item(), array.sum()), "Los resultados no coinciden"
    print("9. La suma coincide con la de NumPy:", np.allclose(a.sum().item(), array.sum()))

    # 10. Para ir más a fondo: pon `breakpoint()` (pdb) en la línea que quieras examinar.
    print("10. Con breakpoint() se abre pdb para examinar las variables en ese punto.")


if __name__ == "__main__":
    main()
