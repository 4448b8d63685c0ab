"""Share the course models on the Hugging Face Hub: `save_pretrained`, `from_pretrained`, `push_to_hub`.

The folder layout follows `huggingface_hub.PyTorchModelHubMixin`, so the Hub shows it like
any PyTorch model:

- `model.safetensors`: the weights (safetensors: plain tensors, no pickle, safe to download);
- `config.json`: the constructor arguments (top level, as the mixin writes them) plus
  `model_class`, `class_names` and the tokenizer's name;
- `vocab.json`: the vocabulary, so that a downloaded model can classify raw text;
- `README.md`: the model card.

The mixin itself needs the model class to inherit from it; the course's classes come
unchanged from `course.models`, so these functions do the same work from outside.
`from_pretrained` loads with `strict=True` (the mixin's default is False): a missing
weight would otherwise stay randomly initialised without any message. It checks before it
trusts: `config.json` and `vocab.json` are read with size bounds, the constructor arguments
must be positive integers that agree with the weight shapes in `model.safetensors` (compared
on the `meta` device, so no allocation a file asks for happens before that), and the
vocabulary must have exactly as many tokens as the embedding has rows. A damaged folder
raises `ModelFolderError` (a `HubError` and a `course.errors.CorruptFileError`); every file
`save_pretrained` writes is written atomically.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from course.errors import CorruptFileError, CourseError
from course.fileio import atomic_write_bytes, atomic_write_text, read_json, vocab_from_data
from torch_impl import models
from torch_impl.checkpoint import CheckpointError, apply_state_dict
from torch_impl.text import Vocab

WEIGHTS_NAME = "model.safetensors"
CONFIG_NAME = "config.json"
VOCAB_NAME = "vocab.json"
MODEL_CARD_NAME = "README.md"
LIBRARY_NAME = "minitorch-course"

MODEL_CLASSES: dict[str, type[nn.Module]] = {
    cls.__name__: cls
    for cls in (models.LinearRegressionModel, models.SimpleNN, models.TextClassifier, models.TextClassificationModel)
}


class HubError(CourseError):
    """Saving, loading or pushing a model folder failed; the message is one line saying why."""


class ModelFolderError(HubError, CorruptFileError):
    """A model folder's files are damaged or do not fit together (config, weights, vocabulary)."""


MAX_CONFIG_BYTES = 1024 * 1024
MAX_VOCAB_BYTES = 1024 * 1024 * 1024


@dataclass
class Pretrained:
    """What `from_pretrained` returns: the model (eval mode) and what it needs to read text."""

    model: nn.Module
    config: dict[str, Any]
    vocab: Vocab | None
    class_names: list[str] | None
    tokenizer: str | None
    path: Path


def init_args(model: nn.Module) -> dict[str, Any]:
    """The constructor arguments that rebuild `model`, read from its layers.

    The course's classes do not store their arguments, but every one of them can be read
    back from the layer shapes, which is also a check that the weights will fit.
    """
    name = type(model).__name__
    if name == "LinearRegressionModel":
        return {}
    if name == "SimpleNN":
        return {"input_size": model.fc1.in_features, "hidden_size": model.fc1.out_features,
                "output_size": model.fc2.out_features}
    if name == "TextClassifier":
        return {"vocab_size": model.embedding.num_embeddings, "embed_dim": model.embedding.embedding_dim,
                "num_classes": model.fc2.out_features, "hidden_size": model.fc1.out_features}
    if name == "TextClassificationModel":
        return {"vocab_size": model.embedding.num_embeddings, "embed_dim": model.embedding.embedding_dim,
                "num_class": model.fc.out_features, "sparse": model.embedding.sparse}
    raise HubError(f"{name} is not one of the course models ({', '.join(MODEL_CLASSES)})")


def save_pretrained(
    model: nn.Module,
    save_directory: str | Path,
    *,
    vocab: Vocab | None = None,
    class_names: list[str] | None = None,
    tokenizer: str | None = "basic_english",
    metrics: dict[str, float] | None = None,
    repo_id: str | None = None,
) -> Path:
    """Write the model folder (weights, config, vocabulary, model card) and return its path."""
    from safetensors.torch import save as safetensors_bytes

    model = getattr(model, "_orig_mod", model)  # a torch.compile wrapper saves as its model
    config: dict[str, Any] = {
        **init_args(model),
        "model_class": type(model).__name__,
        "class_names": list(class_names) if class_names is not None else None,
        "tokenizer": tokenizer if vocab is not None else None,
        "library_name": LIBRARY_NAME,
    }
    directory = Path(save_directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    atomic_write_bytes(directory / WEIGHTS_NAME, safetensors_bytes(tensors, metadata={"format": "pt"}))
    atomic_write_text(directory / CONFIG_NAME, json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    if vocab is not None:
        atomic_write_text(directory / VOCAB_NAME, json.dumps(vocab.to_dict(), ensure_ascii=False))
    atomic_write_text(directory / MODEL_CARD_NAME, model_card(config, metrics, repo_id))
    return directory


def model_card(config: dict[str, Any], metrics: dict[str, float] | None = None, repo_id: str | None = None) -> str:
    """A short README with the Hub's YAML header, what the model is, and how to use it."""
    name = config["model_class"]
    summary = (MODEL_CLASSES[name].__doc__ or "").strip().splitlines()[0]
    load_from = repo_id or "path/to/this/folder"
    reads_text = config.get("tokenizer") is not None
    details = [f"- constructor arguments: see `{CONFIG_NAME}`; weights in `{WEIGHTS_NAME}`"]
    if config.get("class_names"):
        details.append(f"- classes: {', '.join(config['class_names'])}")
    if reads_text:
        details.append(f"- tokenizer: `{config['tokenizer']}` (torchtext-compatible), vocabulary in `{VOCAB_NAME}`")
    results = "".join(f"| {k} | {v:.4f} |\n" for k, v in (metrics or {}).items())
    results_table = f"\n## Results\n\n| metric | value |\n|---|---|\n{results}" if results else ""
    if reads_text:
        usage = (f"from torch_impl.predict import TextClassificationPipeline\n\n"
                 f"classify = TextClassificationPipeline.from_pretrained(\"{load_from}\")\n"
                 f"print(classify(\"Stocks rallied after the central bank cut interest rates.\"))")
    else:
        usage = (f"from torch_impl.hub import from_pretrained\n\n"
                 f"model = from_pretrained(\"{load_from}\").model  # in eval mode")
    header = ["---", f"library_name: {LIBRARY_NAME}", "tags:", "- pytorch", "- model_hub_mixin"]
    if reads_text:
        header += ["- text-classification", "pipeline_tag: text-classification"]
    header.append("---")
    return "\n".join(header) + f"""

# {name}

A `{name}` from the course "Curso de redes neuronales con PyTorch", on PyTorch
(package `torch_impl` of minitorch-course): {summary}

{chr(10).join(details)}
{results_table}
## Usage

```python
{usage}
```
"""


def _hub_errors() -> tuple[type[BaseException], ...]:
    """What huggingface_hub raises for network, auth, offline and bad-name problems.

    Its HTTP and offline errors are `OSError`s; bad repo ids are `ValueError`s
    (`HFValidationError`); recent versions let the HTTP client's own errors through too.
    """
    errors: list[type[BaseException]] = [OSError, ValueError]
    try:
        from huggingface_hub import errors as hub_errors

        http_error = getattr(hub_errors, "HTTPError", None)
        if isinstance(http_error, type):
            errors.append(http_error)
    except ImportError:
        pass
    return tuple(errors)


HUB_ERRORS = _hub_errors()


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _resolve_folder(repo_or_dir: str | Path, revision: str | None, cache_dir: str | Path | None,
                    local_files_only: bool, token: str | None) -> Path:
    """A local folder as it is, otherwise a Hub repo id downloaded (or found in the cache)."""
    path = Path(repo_or_dir)
    if path.is_dir():
        return path
    if path.exists():
        raise HubError(f"{repo_or_dir}: not a folder (save_pretrained writes a folder)")
    if str(repo_or_dir).startswith((".", "/", "~")) or str(repo_or_dir).count("/") > 1:
        raise HubError(f"{repo_or_dir}: no such model folder")
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(
            str(repo_or_dir), revision=revision, cache_dir=cache_dir, local_files_only=local_files_only,
            token=token, allow_patterns=[WEIGHTS_NAME, CONFIG_NAME, VOCAB_NAME, MODEL_CARD_NAME],
        ))
    except HUB_ERRORS as error:
        raise HubError(f"{repo_or_dir!r} is not a local folder and cannot be downloaded from the Hugging Face Hub: "
                       f"{_one_line(error)}") from None


def from_pretrained(
    repo_or_dir: str | Path,
    *,
    revision: str | None = None,
    cache_dir: str | Path | None = None,
    local_files_only: bool = False,
    token: str | None = None,
    map_location: str | torch.device = "cpu",
) -> Pretrained:
    """Rebuild a model saved by `save_pretrained`, from a local folder (offline) or a Hub repo id."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = _resolve_folder(repo_or_dir, revision, cache_dir, local_files_only, token)
    config_path, weights_path = folder / CONFIG_NAME, folder / WEIGHTS_NAME
    for needed in (config_path, weights_path):
        if not needed.is_file():
            raise HubError(f"{folder}: no {needed.name}; is this a folder written by save_pretrained?")
    try:
        config = read_json(config_path, max_bytes=MAX_CONFIG_BYTES, what="model config")
    except CorruptFileError as error:
        raise ModelFolderError(str(error)) from None
    if not isinstance(config, dict):
        raise ModelFolderError(f"{config_path}: expected a JSON object, got {type(config).__name__}")
    model_class = config.get("model_class")
    cls = MODEL_CLASSES.get(model_class) if isinstance(model_class, str) else None
    if cls is None:
        raise ModelFolderError(f"{config_path}: model_class {model_class!r} is not one of {', '.join(MODEL_CLASSES)}")
    args = _checked_constructor_args(cls, config, config_path)
    file_shapes = _safetensors_shapes(weights_path)
    _check_config_fits_weights(cls, args, file_shapes, config_path, weights_path)
    model = cls(**args)  # sizes now known to match the file's tensors
    try:
        state = load_file(weights_path, device=str(map_location))
    except (SafetensorError, OSError, ValueError, RuntimeError) as error:
        raise ModelFolderError(f"{weights_path}: corrupt or unreadable safetensors file ({_one_line(error)})") from None
    try:
        apply_state_dict(model, state, strict=True, source=str(weights_path))
    except CheckpointError as error:
        raise ModelFolderError(str(error)) from None
    model.to(map_location).eval()
    vocab_path = folder / VOCAB_NAME
    vocab = None
    if vocab_path.is_file():
        embedding = state.get("embedding.weight")
        rows = int(embedding.shape[0]) if embedding is not None and embedding.dim() == 2 else None
        try:
            vocab = vocab_from_data(read_json(vocab_path, max_bytes=MAX_VOCAB_BYTES, what="vocabulary"),
                                    str(vocab_path), size=rows)
        except CorruptFileError as error:
            raise ModelFolderError(str(error)) from None
    class_names = config.get("class_names")
    if class_names is not None and (not isinstance(class_names, list)
                                    or not all(isinstance(name, str) for name in class_names)):
        raise ModelFolderError(f"{config_path}: class_names must be a list of strings")
    tokenizer = config.get("tokenizer")
    if tokenizer is not None and not isinstance(tokenizer, str):
        raise ModelFolderError(f"{config_path}: tokenizer must be a name such as 'basic_english'")
    return Pretrained(model, config, vocab, class_names, tokenizer, folder)


_MAX_DIMENSION = 2**40  # far above any course model; keeps the meta-device check below clear of overflow


def _checked_constructor_args(cls: type, config: dict[str, Any], config_path: Path) -> dict[str, Any]:
    """The constructor arguments from `config`: sizes must be integers >= 1, flags booleans."""
    args = {key: config[key] for key in _constructor_parameters(cls) if key in config}
    for key, value in args.items():
        if key == "sparse":
            if not isinstance(value, bool):
                raise ModelFolderError(f"{config_path}: sparse must be true or false, got {value!r}")
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_DIMENSION:
            raise ModelFolderError(f"{config_path}: {key} must be a positive integer (at most {_MAX_DIMENSION}), "
                                   f"got {value!r}")
    return args


def _safetensors_shapes(weights_path: Path) -> dict[str, tuple[int, ...]]:
    """Names and shapes of the tensors in a safetensors file, read from its header only."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(weights_path, framework="pt") as file:
            return {name: tuple(file.get_slice(name).get_shape()) for name in file.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError, RuntimeError) as error:
        raise ModelFolderError(f"{weights_path}: corrupt or unreadable safetensors file ({_one_line(error)})") from None


def _check_config_fits_weights(cls: type, args: dict[str, Any], file_shapes: dict[str, tuple[int, ...]],
                               config_path: Path, weights_path: Path) -> None:
    """Build the model on the meta device (no memory) and compare its shapes with the file's."""
    try:
        with torch.device("meta"):
            skeleton = cls(**args)
    except (TypeError, ValueError, RuntimeError) as error:
        raise ModelFolderError(f"{config_path}: cannot build {cls.__name__} from it ({_one_line(error)})") from None
    for name, tensor in skeleton.state_dict().items():
        expected = tuple(tensor.shape)
        found = file_shapes.get(name)
        if found is not None and found != expected:
            settings = ", ".join(f"{k}={v}" for k, v in args.items() if k != "sparse")
            raise ModelFolderError(f"{config_path} does not match {weights_path.name}: {settings} means {name} "
                                   f"of shape {expected}, the weights have {found}")


def _constructor_parameters(cls: type) -> list[str]:
    import inspect

    return [name for name in inspect.signature(cls.__init__).parameters if name != "self"]


def push_to_hub(
    model: nn.Module,
    repo_id: str,
    *,
    vocab: Vocab | None = None,
    class_names: list[str] | None = None,
    tokenizer: str | None = "basic_english",
    metrics: dict[str, float] | None = None,
    token: str | None = None,
    private: bool | None = None,
    commit_message: str = "Upload model",
) -> str:
    """`create_repo(exist_ok=True)` + `save_pretrained` into a temporary folder + `upload_folder`.

    Returns the commit URL. Without a token, in offline mode (`HF_HUB_OFFLINE=1`) or without
    network it raises a one-line `HubError` instead of a traceback.
    """
    with tempfile.TemporaryDirectory() as tmp:
        save_pretrained(model, tmp, vocab=vocab, class_names=class_names, tokenizer=tokenizer,
                        metrics=metrics, repo_id=repo_id)
        return push_folder_to_hub(tmp, repo_id, token=token, private=private, commit_message=commit_message)


def push_folder_to_hub(
    folder: str | Path, repo_id: str, *, token: str | None = None, private: bool | None = None,
    commit_message: str = "Upload model",
) -> str:
    """Upload a folder written by `save_pretrained` (the CLI's `push` uses this directly)."""
    from huggingface_hub import HfApi, get_token

    folder = Path(folder)
    if not (folder / WEIGHTS_NAME).is_file() or not (folder / CONFIG_NAME).is_file():
        raise HubError(f"{folder}: not a folder written by save_pretrained (no {WEIGHTS_NAME} / {CONFIG_NAME})")
    token = token or get_token()
    if not token:
        raise HubError("cannot push: no Hugging Face token (run `hf auth login`, or set HF_TOKEN)")
    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        commit = api.upload_folder(repo_id=repo_id, folder_path=folder, commit_message=commit_message)
    except HUB_ERRORS as error:
        raise HubError(f"cannot push to {repo_id!r}: {type(error).__name__}: {_one_line(error)}") from None
    return str(getattr(commit, "commit_url", commit))
