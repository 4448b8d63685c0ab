"""Capítulos "Generación y split de datos" y "Estructura de modelo con torch.nn": SimpleNN 10-5-1.

    python -m examples.05_modelo_nn --backend torch
"""
from __future__ import annotations

import numpy as np

from course.backend import parse_command_line


def main(argv: list[str] | None = None) -> None:
    backend, _ = parse_command_line(__doc__.splitlines()[0], argv)
    torch = backend.torch
    rng = np.random.default_rng(5)

    # Datos: 100 ejemplos de 10 características y un valor a predecir.
    X = torch.from_numpy(rng.standard_normal((100, 10)).astype(np.float32))
    y = torch.from_numpy(rng.standard_normal((100, 1)).astype(np.float32))
    datos = torch.utils.data.TensorDataset(X, y)
    # Split 70/15/15 con random_split: la semilla hace la división reproducible.
    n_entrenamiento, n_validacion = int(0.7 * len(datos)), int(0.15 * len(datos))
    n_prueba = len(datos) - n_entrenamiento - n_validacion
    entrenamiento, validacion, prueba = torch.utils.data.random_split(
        datos, [n_entrenamiento, n_validacion, n_prueba], generator=torch.Generator().manual_seed(42))
    print(f"Tamaño del conjunto de entrenamiento: {len(entrenamiento)}")
    print(f"Tamaño del conjunto de validación: {len(validacion)}")
    print(f"Tamaño del conjunto de prueba: {len(prueba)}")

    # El modelo: una clase que hereda de nn.Module, con sus capas en __init__ y el
    # cálculo en forward (definida una sola vez en course/models.py para ambas bibliotecas).
    # Con la misma semilla, ambas bibliotecas sortean los mismos pesos iniciales: minitorch_ref
    # reproduce el generador de números aleatorios de torch (docs/es/aleatorio.md).
    torch.manual_seed(0)
    model = backend.models.SimpleNN(input_size=10, hidden_size=5, output_size=1)
    print(model)
    for nombre, parametro in model.named_parameters():
        print(f"  {nombre}: forma {tuple(parametro.shape)}")
    print("Número de parámetros:", sum(p.numel() for p in model.parameters()))

    entrada = torch.from_numpy(rng.standard_normal((1, 10)).astype(np.float32))  # un lote de tamaño 1
    salida = model(entrada)
    print("Salida:", salida)
    print("Forma de la salida:", salida.shape)


if __name__ == "__main__":
    main()
