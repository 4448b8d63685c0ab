"""Capítulo "Entrenamiento y visualización de pérdida": regresión lineal y curvas de pérdida (PNG).

    python -m examples.07_visualizacion_perdida --backend torch --salida perdida.png
"""
from __future__ import annotations

from pathlib import Path

from course.backend import parse_command_line
from course.workflows import (
    make_regression_data,
    train_linear_regression,
)

WEIGHT, BIAS = 0.7, 0.3  # la recta que el modelo debe descubrir


def plot_losses(train_loss: list[float], test_loss: list[float], path: Path) -> Path:
    """Guarda la gráfica de ambas curvas (sin ventana: backend Agg de matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(train_loss, label="Pérdida entrenamiento")
    axes.plot(test_loss, label="Pérdida prueba")
    axes.set_title("Pérdida durante el entrenamiento y la prueba")
    axes.set_xlabel("Épocas")
    axes.set_ylabel("Pérdida (L1)")
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def main(argv: list[str] | None = None) -> None:
    backend, args = parse_command_line(__doc__.splitlines()[0], argv, lambda parser: (
        # Con L1 y lr=0.01 cada paso mueve el sesgo como mucho 0.01: hacen falta unas 200 épocas.
        parser.add_argument("--epocas", type=int, default=200),
        parser.add_argument("--salida", type=Path, default=Path("perdida_entrenamiento.png"),
                            help="dónde guardar la gráfica (PNG)"),
    ))

    # Los puntos de y = 0.7 * X + 0.3 con algo de ruido, divididos 80/20 (NumPy, semilla 42).
    data = make_regression_data(weight=WEIGHT, bias=BIAS, seed=42)
    print(f"Puntos de entrenamiento: {len(data.X_train)}, de prueba: {len(data.X_test)}")
    # Pesos iniciales de torch.manual_seed(42): los mismos números en ambas bibliotecas.
    backend.torch.manual_seed(42)
    inicial = backend.models.LinearRegressionModel()
    print(f"Parámetros iniciales: peso = {inicial.weight.item():.4f}, sesgo = {inicial.bias.item():.4f}")

    result = train_linear_regression(backend, data, loss="l1", lr=0.01, epochs=args.epocas, seed=42)
    history = result.history
    for epoca in range(19, args.epocas, 20):
        print(f"Época [{epoca + 1}/{args.epocas}], Pérdida entrenamiento: {history['train_loss'][epoca]:.4f}, "
              f"Pérdida prueba: {history['test_loss'][epoca]:.4f}")

    state = result.model.state_dict()
    print(f"Aprendido: peso = {state['weight'].item():.4f}, sesgo = {state['bias'].item():.4f} "
          f"(verdaderos: {WEIGHT}, {BIAS})")
    # Si ambas curvas bajan, el modelo aprende; si la de prueba sube mientras la de
    # entrenamiento baja, es sobreajuste (overfitting).
    path = plot_losses(history["train_loss"], history["test_loss"], args.salida)
    print(f"Gráfica guardada en {path}")


if __name__ == "__main__":
    main()
