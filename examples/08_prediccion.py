"""Capítulo "Predicción con un modelo entrenado": eval(), no_grad(), softmax y argmax.

    python -m examples.08_prediccion --backend torch
"""
from __future__ import annotations

import numpy as np

from course.backend import parse_command_line
from course.workflows import (
    make_regression_data,
    train_linear_regression,
)


def main(argv: list[str] | None = None) -> None:
    backend, _ = parse_command_line(__doc__.splitlines()[0], argv)
    torch = backend.torch

    # Regresión: entrenamos model_1 sobre y = 0.7 * X + 0.3 (como en el capítulo anterior).
    data = make_regression_data(weight=0.7, bias=0.3, seed=42)
    model_1 = train_linear_regression(backend, data, loss="l1", lr=0.01, epochs=300, seed=42).model

    model_1.eval()  # modo evaluación: Dropout o BatchNorm, si los hubiera, dejan de entrenar
    X_nuevos = torch.from_numpy(np.array([[0.25], [0.5], [1.5]], dtype=np.float32))
    with torch.no_grad():  # sin gradientes: más rápido y sin gastar memoria en el grafo
        predicciones = model_1(X_nuevos)
    print("Predicciones de regresión:")
    print(predicciones)
    print("Valores verdaderos (0.7 * x + 0.3):", [round(0.7 * x + 0.3, 4) for x in (0.25, 0.5, 1.5)])
    print("¿Las predicciones necesitan gradiente?", predicciones.requires_grad)

    # Clasificación: el modelo devuelve logits; softmax los convierte en probabilidades
    # y argmax elige la clase más probable de cada fila.
    logits = torch.from_numpy(np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], dtype=np.float32))
    probs = torch.softmax(logits, dim=1)
    print("Probabilidades:")
    print(probs)
    print("¿Cada fila suma 1?", torch.allclose(probs.sum(dim=1), torch.ones(2)))
    print("Clases predichas:", torch.argmax(probs, dim=1))


if __name__ == "__main__":
    main()
