"""Capítulos "Almacenamiento con torch.save() y state_dict()" y "Carga con torch.load()".

    python -m examples.10_guardar_cargar --backend torch
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from course.backend import parse_command_line
from course.datasets import CLASS_NAMES
from course.workflows import demo_text_classifier, evaluate


def main(argv: list[str] | None = None) -> None:
    backend, args = parse_command_line(__doc__.splitlines()[0], argv, lambda parser: (
        parser.add_argument("--carpeta", type=Path, default=None,
                            help="dónde guardar el archivo (por defecto, una carpeta temporal)"),
    ))
    torch = backend.torch

    # Un modelo entrenado con la receta del tutorial (corpus sintético, 2 épocas).
    demo = demo_text_classifier(backend)
    model, tokenizador, vocab, prueba = demo.model, demo.tokenizer, demo.vocab, demo.test
    VOCAB_SIZE, EMBED_DIM, NUM_CLASS = demo.vocab_size, demo.embed_dim, demo.num_class

    # El state_dict: un diccionario nombre -> tensor con todos los pesos aprendidos.
    print("Contenido del state_dict:")
    for nombre, tensor in model.state_dict().items():
        print(f"  {nombre}: {tensor.shape}, {tensor.dtype}")

    with tempfile.TemporaryDirectory() as temporal:
        carpeta = args.carpeta or Path(temporal)
        carpeta.mkdir(parents=True, exist_ok=True)
        archivo = carpeta / "modelo_clasificacion_texto.pth"
        torch.save(model.state_dict(), archivo)  # solo los pesos, no el código del modelo
        print("Modelo guardado exitosamente.")

        # Para cargar: la misma arquitectura, y luego sus pesos.
        model_cargado = backend.models.TextClassificationModel(VOCAB_SIZE, EMBED_DIM, NUM_CLASS)
        model_cargado.load_state_dict(torch.load(archivo))
        model_cargado.eval()  # para inferencia
        print("Modelo cargado y listo para inferencia.")

    iguales = all(bool((a == b).all()) for a, b in zip(model.state_dict().values(),
                                                       model_cargado.state_dict().values()))
    print("¿Pesos idénticos a los guardados?", iguales)
    original, cargado = evaluate(backend, model, prueba), evaluate(backend, model_cargado, prueba)
    print("¿Mismas predicciones en prueba?", bool(np.array_equal(original.predictions, cargado.predictions)))
    print(f"Precisión en prueba del modelo cargado: {cargado.accuracy:.4f}")

    # Inferencia con el modelo cargado sobre un texto nuevo.
    def predict(text, offsets) -> int:
        with torch.no_grad():
            return model_cargado(text, offsets).argmax(1).item()

    ids = torch.from_numpy(np.array(vocab(tokenizador("Investors cheered as bank profit and shares rose")),
                                    dtype=np.int64))
    print("Predicción:", CLASS_NAMES["ag_news"][predict(ids, torch.tensor([0]))])
    # Guardar el modelo completo (torch.save(model, ...)) usa pickle: depende del código y
    # ejecutar un pickle ajeno es inseguro. Por eso se recomienda guardar el state_dict.


if __name__ == "__main__":
    main()
