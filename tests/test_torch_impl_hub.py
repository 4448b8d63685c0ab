"""Hugging Face Hub folders, offline: save_pretrained -> from_pretrained -> classify raw text."""
from __future__ import annotations

import json

import huggingface_hub.constants
import pytest
import torch

from torch_impl import hub
from torch_impl.hub import HubError
from torch_impl.models import SimpleNN, TextClassificationModel
from torch_impl.predict import (
    Prediction,
    TextClassificationPipeline,
    predict,
    predict_texts,
)
from torch_impl.text import SyntheticNews, build_vocab_and_encode, get_tokenizer

CLASSES = ["World", "Sports", "Business", "Sci/Tech"]


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test here may reach the network or find a real token."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "hf_home" / "token"))


@pytest.fixture(scope="module")
def trained():
    """A model trained for a few steps on synthetic news, with its vocabulary."""
    tokenizer = get_tokenizer("basic_english")
    vocab, corpus = build_vocab_and_encode(SyntheticNews("train", num_rows=2000), tokenizer)
    torch.manual_seed(0)
    model = TextClassificationModel(len(vocab), 16, 4)
    optimizer = torch.optim.SGD(model.parameters(), lr=5)
    for labels, text, offsets in corpus.batches(64):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(
            model(torch.from_numpy(text), torch.from_numpy(offsets)), torch.from_numpy(labels))
        loss.backward()
        optimizer.step()
    return model.eval(), vocab, tokenizer


def test_save_pretrained_writes_the_hub_layout(tmp_path, trained):
    model, vocab, _ = trained
    folder = hub.save_pretrained(model, tmp_path / "m", vocab=vocab, class_names=CLASSES, metrics={"acc": 0.9})
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "model.safetensors", "vocab.json"]
    config = json.loads((folder / "config.json").read_text())
    assert config["model_class"] == "TextClassificationModel"
    assert {k: config[k] for k in ("vocab_size", "embed_dim", "num_class", "sparse")} == {
        "vocab_size": len(vocab), "embed_dim": 16, "num_class": 4, "sparse": True}
    assert config["class_names"] == CLASSES and config["tokenizer"] == "basic_english"
    card = (folder / "README.md").read_text()
    assert card.startswith("---\nlibrary_name: minitorch-course") and "| acc | 0.9000 |" in card


def test_round_trip_offline_gives_the_same_predictions(tmp_path, trained):
    model, vocab, tokenizer = trained
    hub.save_pretrained(model, tmp_path / "m", vocab=vocab, class_names=CLASSES)
    loaded = hub.from_pretrained(tmp_path / "m")
    assert not loaded.model.training
    assert loaded.vocab == vocab and loaded.class_names == CLASSES
    for key, value in model.state_dict().items():
        assert torch.equal(value, loaded.model.state_dict()[key])

    texts = ["The striker scored in the cup final as fans cheered", "Shares and profit rose, investors said",
             "Scientists launch a satellite to study the planet"]
    classify = TextClassificationPipeline.from_pretrained(tmp_path / "m")
    from_pipeline = classify(texts)
    direct = predict_texts(model, texts, vocab=vocab, tokenizer=tokenizer, class_names=CLASSES)
    assert from_pipeline == direct
    assert [p.label for p in direct] == ["Sports", "Business", "Sci/Tech"]


def test_predict_returns_class_names_and_probabilities(trained):
    model, vocab, tokenizer = trained
    model.train()
    result = predict(model, "Troops and the president: election talks", vocab=vocab, tokenizer=tokenizer,
                     class_names=CLASSES)
    assert isinstance(result, Prediction) and result.label == "World"
    assert list(result.probabilities) == CLASSES
    assert abs(sum(result.probabilities.values()) - 1) < 1e-5
    assert result.confidence == max(result.probabilities.values())
    assert model.training  # the caller's mode is restored
    with pytest.raises(TypeError):
        predict_texts(model, "one string", vocab=vocab, tokenizer=tokenizer, class_names=CLASSES)


def test_other_course_models_round_trip(tmp_path):
    torch.manual_seed(0)
    model = SimpleNN(5, 7, 3)
    hub.save_pretrained(model, tmp_path / "s")
    loaded = hub.from_pretrained(tmp_path / "s")
    x = torch.randn(4, 5)
    assert torch.equal(model(x), loaded.model(x))
    assert loaded.vocab is None
    with pytest.raises(HubError, match="no vocabulary"):
        TextClassificationPipeline.from_pretrained(tmp_path / "s")


def test_broken_folders_give_one_line_errors(tmp_path, trained):
    model, vocab, _ = trained
    folder = hub.save_pretrained(model, tmp_path / "m", vocab=vocab, class_names=CLASSES)
    (folder / "vocab.json").write_text("{not json")
    with pytest.raises(HubError, match="not a vocabulary"):
        hub.from_pretrained(folder)
    (folder / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(HubError, match="corrupt or unreadable safetensors") as error:
        hub.from_pretrained(folder)
    assert "\n" not in str(error.value)
    (folder / "model.safetensors").unlink()
    with pytest.raises(HubError, match="no model.safetensors"):
        hub.from_pretrained(folder)
    with pytest.raises(HubError, match="no such model folder"):
        hub.from_pretrained(tmp_path / "missing" / "folder")


def test_hub_repo_ids_offline_are_a_clear_error():
    with pytest.raises(HubError, match="'someone/some-model' is not a local folder and cannot be downloaded") as error:
        hub.from_pretrained("someone/some-model")
    assert "\n" not in str(error.value)


def test_push_without_token_is_a_clear_error(trained):
    model, vocab, _ = trained
    with pytest.raises(HubError, match="no Hugging Face token") as error:
        hub.push_to_hub(model, "someone/some-model", vocab=vocab, class_names=CLASSES)
    assert "\n" not in str(error.value)


def test_push_offline_is_a_clear_error(trained):
    model, vocab, _ = trained
    with pytest.raises(HubError, match="offline mode") as error:
        hub.push_to_hub(model, "someone/some-model", vocab=vocab, class_names=CLASSES, token="hf_not_a_real_token")
    assert "\n" not in str(error.value)


def test_push_without_network_is_a_clear_error(trained, monkeypatch):
    """Online mode, but the Hub cannot be reached: huggingface_hub's own error, caught."""
    model, vocab, _ = trained
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(HubError, match="cannot push to 'someone/some-model'") as error:
        hub.push_to_hub(model, "someone/some-model", vocab=vocab, class_names=CLASSES, token="hf_not_a_real_token")
    assert "\n" not in str(error.value)
