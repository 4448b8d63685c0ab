"""The course's four models on real PyTorch, from the one definition in `course.models`."""
from __future__ import annotations

import torch

from course.models import define_models

LinearRegressionModel, SimpleNN, TextClassifier, TextClassificationModel = define_models(torch, __name__)
