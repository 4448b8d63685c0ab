"""Clasificación de texto con una capa recurrente (GRU o LSTM), como sugiere el curso para mejorar el modelo.

    python -m examples.12_texto_recurrente --backend torch                  # GRU, corpus sintético
    python -m examples.12_texto_recurrente --backend numpy --capa lstm      # la misma receta con una LSTM

El modelo del tutorial promedia los embeddings de un texto (EmbeddingBag) y olvida el orden de las
palabras. Una capa recurrente lee el texto palabra por palabra y resume lo leído en un estado oculto h:
GRU: h' = (1 - z) * n + z * h, con una compuerta de olvido z y un candidato n. Los textos tienen
longitudes distintas: se rellenan hasta la más larga (`pad_sequence`) y se empaquetan
(`pack_padded_sequence`) para que la capa no lea el relleno; el último estado de cada texto va a Linear.
"""
from __future__ import annotations

import numpy as np

from course.backend import parse_command_line
from course.batching import EncodedCorpus, build_vocab_and_encode
from course.datasets import CLASS_NAMES, SAMPLE_HEADLINES, SyntheticNews
from course.text import get_tokenizer

TITULARES = SAMPLE_HEADLINES  # (course/datasets.py: uno por clase)


def add_arguments(parser) -> None:
    parser.add_argument("--capa", choices=["gru", "lstm"], default="gru", help="la capa recurrente")
    parser.add_argument("--filas", type=int, default=1200, help="filas de entrenamiento del corpus sintético")
    parser.add_argument("--filas-prueba", type=int, default=400, help="filas de prueba")
    parser.add_argument("--epocas", type=int, default=3)


def make_model(nn, num_palabras: int, dim: int, oculto: int, num_clases: int, capa: str, relleno: int):
    """Embedding -> GRU/LSTM -> Linear sobre el último estado oculto de cada texto."""

    class RecurrentClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(num_palabras, dim, padding_idx=relleno)
            self.rnn = (nn.GRU if capa == "gru" else nn.LSTM)(dim, oculto, batch_first=True)
            self.fc = nn.Linear(oculto, num_clases)

        def forward(self, textos, longitudes):
            empaquetado = nn.utils.rnn.pack_padded_sequence(self.embedding(textos), longitudes,
                                                            batch_first=True, enforce_sorted=False)
            _, estado = self.rnn(empaquetado)
            h = estado[0] if capa == "lstm" else estado  # (la LSTM devuelve (h_n, c_n))
            return self.fc(h[-1])  # el estado tras la última palabra de cada texto

    return RecurrentClassifier()


def batches(torch, corpus: EncodedCorpus, indices: np.ndarray, tamaño: int, relleno: int):
    """(textos rellenados (B, L), longitudes, etiquetas) de `tamaño` documentos por lote."""
    for inicio in range(0, len(indices), tamaño):
        documentos = indices[inicio:inicio + tamaño]
        textos = [torch.from_numpy(corpus.ids[corpus.doc_offsets[i]:corpus.doc_offsets[i + 1]].astype(np.int64))
                  for i in documentos]
        longitudes = torch.tensor([len(t) for t in textos])
        rellenados = torch.nn.utils.rnn.pad_sequence(textos, batch_first=True, padding_value=relleno)
        yield rellenados, longitudes, torch.from_numpy(corpus.labels[documentos])


def main(argv: list[str] | None = None) -> None:
    backend, args = parse_command_line(__doc__.splitlines()[0], argv, add_arguments)
    torch, nn = backend.torch, backend.torch.nn

    # 1. Datos y vocabulario; "<pad>" es el índice de relleno (su embedding queda en cero).
    tokenizador = get_tokenizer("basic_english")
    vocab, corpus = build_vocab_and_encode(SyntheticNews("train", args.filas), tokenizador,
                                           specials=["<unk>", "<pad>"])
    vocab.set_default_index(vocab["<unk>"])
    prueba = EncodedCorpus.from_dataset(SyntheticNews("test", args.filas_prueba), tokenizador, vocab)
    relleno, clases = vocab["<pad>"], CLASS_NAMES["ag_news"]
    ejemplo = next(batches(torch, corpus, np.arange(3), 3, relleno))
    print(f"Vocabulario: {len(vocab)} palabras; un lote de 3 textos rellenado a {tuple(ejemplo[0].shape)}, "
          f"longitudes {ejemplo[1].tolist()}")

    # 2. El modelo: los mismos pesos en los dos backends (la misma semilla, el mismo orden de sorteo).
    torch.manual_seed(0)
    model = make_model(nn, len(vocab), dim=32, oculto=32, num_clases=len(clases), capa=args.capa, relleno=relleno)
    print(model)
    print("Parámetros de la capa recurrente:", [(n, tuple(p.shape)) for n, p in model.rnn.named_parameters()])

    # 3. Entrenar: Adam, entropía cruzada, lotes de 32 en un orden barajado con NumPy (igual en ambos).
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    orden = np.random.default_rng(0)
    for epoca in range(args.epocas):
        model.train()
        perdidas = []
        for textos, longitudes, etiquetas in batches(torch, corpus, orden.permutation(len(corpus)), 32, relleno):
            optimizer.zero_grad()
            loss = criterion(model(textos, longitudes), etiquetas)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            perdidas.append(loss.item())
        print(f"Época {epoca + 1}: pérdida media {np.mean(perdidas):.3f}")

    # 4. Evaluar y predecir, sin grafo.
    model.eval()
    aciertos = 0
    with torch.no_grad():
        for textos, longitudes, etiquetas in batches(torch, prueba, np.arange(len(prueba)), 64, relleno):
            aciertos += (model(textos, longitudes).argmax(1) == etiquetas).sum().item()
        print(f"Precisión en prueba ({args.capa.upper()}): {aciertos / len(prueba):.3f}")
        for titular in TITULARES:
            ids = torch.tensor([vocab(tokenizador(titular))])
            clase = model(ids, torch.tensor([ids.shape[1]])).argmax(1).item()
            print(f"  {clases[clase]:>8} <- {titular}")


if __name__ == "__main__":
    main()
