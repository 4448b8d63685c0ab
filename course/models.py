"""The course's four models, written once against the torch API.

Both backends get their model classes from `define_models(torch_like_module)`: the same
source runs on `minitorch_ref` (NumPy) and on real `torch`, so the class names, constructor
arguments, parameter names and initialisation cannot drift apart. This is also the
project's claim in miniature: course code reads the same on both backends.
"""
from __future__ import annotations

from typing import Any, NamedTuple


class CourseModels(NamedTuple):
    LinearRegressionModel: type
    SimpleNN: type
    TextClassifier: type
    TextClassificationModel: type


def define_models(torch: Any, module_name: str) -> CourseModels:
    """Build the four course model classes on `torch` (the real one or `minitorch_ref`).

    `module_name` is the module that will expose the classes, so that `print(model)`,
    pickling and `torch.compile` see ordinary module-level classes.
    """
    nn = torch.nn

    class LinearRegressionModel(nn.Module):
        """The course's `model_1`: `y = weight * x + bias` with one scalar weight and bias."""

        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.Parameter(torch.randn(1, dtype=torch.float32))
            self.bias = nn.Parameter(torch.randn(1, dtype=torch.float32))

        def forward(self, x):
            return self.weight * x + self.bias

    class SimpleNN(nn.Module):
        """Linear -> ReLU -> Linear ("Estructura de modelo en PyTorch con torch.nn")."""

        def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
            super().__init__()
            self.fc1 = nn.Linear(input_size, hidden_size)
            self.fc2 = nn.Linear(hidden_size, output_size)
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.fc2(self.relu(self.fc1(x)))

    class TextClassifier(nn.Module):
        """Embedding, mean over tokens, Linear -> ReLU -> Linear, LogSoftmax.

        From "Creación de modelo de clasificación de texto": input is a (batch, tokens)
        tensor of ids; the output is log-probabilities, trained with `NLLLoss`.
        """

        def __init__(self, vocab_size: int, embed_dim: int, num_classes: int, hidden_size: int = 128) -> None:
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_dim)
            self.fc1 = nn.Linear(embed_dim, hidden_size)
            self.fc2 = nn.Linear(hidden_size, num_classes)
            self.relu = nn.ReLU()
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, x):
            x = self.embedding(x).mean(dim=1)
            return self.softmax(self.fc2(self.relu(self.fc1(x))))

    class TextClassificationModel(nn.Module):
        """EmbeddingBag (mean of each document's token vectors) + Linear: the tutorial's model.

        `init_weights` draws both weights from uniform(-0.5, 0.5) and zeroes the bias, as the
        course does. `sparse=True` (the course's setting) makes the embedding's gradient
        row-sparse: a step touches only the rows of the tokens in the batch.
        """

        def __init__(self, vocab_size: int, embed_dim: int, num_class: int, sparse: bool = True) -> None:
            super().__init__()
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=sparse)
            self.fc = nn.Linear(embed_dim, num_class)
            self.init_weights()

        def init_weights(self) -> None:
            initrange = 0.5
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.fc.weight.data.uniform_(-initrange, initrange)
            self.fc.bias.data.zero_()

        def forward(self, text, offsets):
            return self.fc(self.embedding(text, offsets))

    classes = CourseModels(LinearRegressionModel, SimpleNN, TextClassifier, TextClassificationModel)
    for cls in classes:
        cls.__module__ = module_name
        cls.__qualname__ = cls.__name__
    return classes
