"""Capítulos de clasificación de texto: tokenizar, vocabulario, lotes, modelo, entrenar y evaluar.

    python -m examples.09_clasificacion_texto --backend torch                    # corpus sintético
    python -m examples.09_clasificacion_texto --backend torch --data-dir DIR     # AG_NEWS (train/test.csv)
"""
from __future__ import annotations

from itertools import islice
from pathlib import Path

import numpy as np

from course.backend import parse_command_line
from course.batching import EncodedCorpus, build_vocab_and_encode, collate_batch
from course.datasets import AG_NEWS, CLASS_NAMES, SAMPLE_HEADLINES, SyntheticNews
from course.text import get_tokenizer
from course.workflows import (
    evaluate,
    train_text_classification,
    train_text_classifier,
)

TITULARES = SAMPLE_HEADLINES  # (course/datasets.py: uno por clase)


def add_arguments(parser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="carpeta con train.csv y test.csv de AG_NEWS (por defecto: corpus sintético)")
    parser.add_argument("--filas", type=int, default=4000, help="filas de entrenamiento a usar")
    parser.add_argument("--filas-prueba", type=int, default=1000, help="filas de prueba a usar")
    parser.add_argument("--epocas", type=int, default=5)


def main(argv: list[str] | None = None) -> None:
    backend, args = parse_command_line(__doc__.splitlines()[0], argv, add_arguments)
    torch = backend.torch

    # 1. Tokenización: texto -> lista de tokens (minúsculas, puntuación separada).
    tokenizador = get_tokenizer("basic_english")
    print("Tokens:", tokenizador("Hola, esto es un ejemplo de tokenización."))

    # 2. Datos: filas (etiqueta 1..4, texto) de AG_NEWS o del corpus sintético sin descarga.
    if args.data_dir is not None:
        filas = list(islice(AG_NEWS(root=args.data_dir, split="train"), args.filas))
        filas_prueba = list(islice(AG_NEWS(root=args.data_dir, split="test"), args.filas_prueba))
    else:
        filas, filas_prueba = SyntheticNews("train", args.filas), SyntheticNews("test", args.filas_prueba)
    clases = CLASS_NAMES["ag_news"]
    print(f"Filas de entrenamiento: {len(filas)}, de prueba: {len(filas_prueba)}; clases: {clases}")

    # 3. Vocabulario con "<unk>" para las palabras desconocidas; cada texto pasa a índices.
    vocab, corpus = build_vocab_and_encode(filas, tokenizador, specials=["<unk>"])
    prueba = EncodedCorpus.from_dataset(filas_prueba, tokenizador, vocab)
    print(f"Tamaño del vocabulario: {len(vocab)}; primeros tokens: {vocab.get_itos()[:8]}")
    print("Índices de 'the market fell':", vocab(tokenizador("the market fell")))

    # 4. Un lote como lo arma collate_batch: etiquetas, índices concatenados y offsets.
    etiquetas, texto, offsets = (torch.from_numpy(a) for a in collate_batch(list(filas)[:3], vocab, tokenizador))
    print("Lote de 3 textos -> etiquetas:", etiquetas, "| tokens:", texto.shape[0], "| offsets:", offsets)

    # 5. El modelo del tutorial (EmbeddingBag + Linear) con su receta: SGD lr=5, recorte del
    #    gradiente a 0.1, StepLR si baja la precisión de validación, lotes de 64, split 95/5.
    num_clases, dim = len(clases), 64
    result = train_text_classification(backend, corpus, len(vocab), num_class=num_clases, embed_dim=dim,
                                       epochs=args.epocas, seed=0)
    h = result.history
    for epoca in range(args.epocas):
        print(f"Época {epoca + 1}: precisión entrenamiento {h['train_accuracy'][epoca]:.4f}, "
              f"validación {h['valid_accuracy'][epoca]:.4f}, lr {h['lr'][epoca]:g}")
    model = result.model
    print(f"Precisión en prueba (EmbeddingBag): {evaluate(backend, model, prueba).accuracy:.4f}")

    # 6. Predicción de titulares nuevos.
    model.eval()
    with torch.no_grad():
        for titular in TITULARES:
            ids = torch.from_numpy(np.array(vocab(tokenizador(titular)), dtype=np.int64))
            clase = model(ids, torch.tensor([0])).argmax(1).item()
            print(f"  {clases[clase]:>8} <- {titular}")

    # 7. El modelo de "Creación de modelo de clasificación de texto": media de embeddings,
    #    Linear-ReLU-Linear y LogSoftmax, con NLLLoss y Adam sobre lotes rellenados (padding).
    result = train_text_classifier(backend, corpus, len(vocab), num_classes=num_clases, embed_dim=dim,
                                   epochs=2, batch_size=16, seed=0)
    print(f"TextClassifier: pérdida media de la última época "
          f"{np.mean(result.history['loss'][-(len(corpus) // 16):]):.4f}, precisión en prueba "
          f"{evaluate(backend, result.model, prueba, batch_size=16).accuracy:.4f}")


if __name__ == "__main__":
    main()
