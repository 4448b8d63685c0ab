"""Capítulo "Entrenamiento, funciones de pérdida y optimizadores": SimpleNN con MSELoss y SGD.

    python -m examples.06_entrenamiento --backend torch
"""
from __future__ import annotations

import numpy as np

from course.backend import parse_command_line
from course.workflows import make_simple_nn_data, train_simple_nn


def main(argv: list[str] | None = None) -> None:
    backend, args = parse_command_line(__doc__.splitlines()[0], argv, lambda parser: (
        parser.add_argument("--epocas", type=int, default=100),
        parser.add_argument("--lr", type=float, default=0.01),
    ))
    torch = backend.torch

    # 100 ejemplos ficticios de 10 características (NumPy, semilla fija). Los pesos iniciales salen de
    # torch.manual_seed(0): los mismos números en ambas bibliotecas.
    inputs, targets = make_simple_nn_data(num_samples=100, input_size=10, output_size=1, seed=0)
    # El bucle (forward, pérdida, zero_grad, backward, step) está en course/workflows.py.
    result = train_simple_nn(backend, inputs, targets, lr=args.lr, epochs=args.epocas, seed=0)
    for epoca, perdida in enumerate(result.history["loss"], start=1):
        if epoca % 10 == 0:
            print(f"Época [{epoca}/{args.epocas}], Pérdida: {perdida:.4f}")

    model = result.model
    model.eval()
    entrada = torch.from_numpy(np.random.default_rng(6).standard_normal((1, 10)).astype(np.float32))
    with torch.no_grad():
        prediccion = model(entrada)
    print(f"Predicción para una entrada nueva: {prediccion.item():.4f}")


if __name__ == "__main__":
    main()
