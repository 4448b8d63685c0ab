"""Capítulo "Inferencia utilizando torch.compile()": compilar el modelo para inferencia y entrenamiento.

    python -m examples.11_torch_compile --backend torch

minitorch_ref no tiene compilador: su `compile` devuelve el mismo modelo, de modo que este
código corre igual en ambas bibliotecas (y sirve para comprobar que compilar no cambia
los resultados). Las líneas que empiezan por "Tiempo" varían de una ejecución a otra.
"""
from __future__ import annotations

import time

import numpy as np

from course.backend import parse_command_line
from course.datasets import CLASS_NAMES
from course.workflows import demo_text_classifier, evaluate, train_text_classification


def main(argv: list[str] | None = None) -> None:
    backend, _ = parse_command_line(__doc__.splitlines()[0], argv)
    torch = backend.torch

    # Paso 1: un modelo entrenado con la receta del tutorial (corpus sintético, 2 épocas).
    demo = demo_text_classifier(backend)
    model, tokenizador, vocab, prueba = demo.model, demo.tokenizer, demo.vocab, demo.test

    # Paso 2: una línea compila el modelo. dynamic=True porque cada lote trae un número
    # distinto de tokens (sin él, cada longitud nueva provocaría otra compilación).
    compiled_model = torch.compile(model, dynamic=True)

    def predict(text, offsets) -> int:
        compiled_model.eval()
        with torch.no_grad():
            return compiled_model(text, offsets).argmax(1).item()

    texto = torch.from_numpy(np.array(vocab(tokenizador("The team won the cup final")), dtype=np.int64))
    inicio = time.perf_counter()
    prediccion = predict(texto, torch.tensor([0]))
    print(f"Tiempo de la primera llamada (incluye compilar): {time.perf_counter() - inicio:.3f} s")
    inicio = time.perf_counter()
    for _ in range(20):
        predict(texto, torch.tensor([0]))
    print(f"Tiempo medio de las siguientes: {(time.perf_counter() - inicio) / 20 * 1000:.2f} ms")
    print("Predicción:", CLASS_NAMES["ag_news"][prediccion])

    # Compilar no cambia el modelo: mismas predicciones que sin compilar.
    normal, compilado = evaluate(backend, model, prueba), evaluate(backend, compiled_model, prueba)
    print("¿Mismas predicciones compilado y sin compilar?",
          bool(np.array_equal(normal.predictions, compilado.predictions)))

    # Paso 3: también se puede entrenar con el modelo compilado (mismo punto de partida).
    con_compile = train_text_classification(backend, demo.train, demo.vocab_size, embed_dim=demo.embed_dim,
                                            num_class=demo.num_class, epochs=2, seed=demo.seed,
                                            compile=True)
    diferencia = abs(evaluate(backend, con_compile.model, prueba).accuracy - normal.accuracy)
    print(f"Precisión en prueba sin compilar: {normal.accuracy:.4f}; "
          f"¿entrenando compilado se obtiene casi la misma (diferencia < 0.01)? {diferencia < 0.01}")


if __name__ == "__main__":
    main()
