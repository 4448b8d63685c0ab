"""The course's four models on minitorch_ref, from the one definition in `course.models`."""
from __future__ import annotations

import minitorch_ref
from course.models import define_models

LinearRegressionModel, SimpleNN, TextClassifier, TextClassificationModel = define_models(minitorch_ref, __name__)
