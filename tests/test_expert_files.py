"""Expert files edited by someone who also updated the hash in the training
record, as an attacker (or a careless script) would: the hash then matches, so
the weights themselves must be checked before they are used or even allocated."""
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from engine.expert.trained import ExpertError, load_expert
from engine.scenario import load_scenario

EXPERTS = Path(__file__).resolve().parent.parent / "resources" / "experts"


def edited_expert(tmp_path, edit) -> Path:
    """A copy of the shipped burger expert with `edit(blob)` applied to its .pt
    and the record's weights_sha256 updated to match, as load_expert checks it."""
    blob = torch.load(EXPERTS / "burger.pt", weights_only=True)
    edit(blob)
    out = tmp_path / "burger.pt"
    torch.save(blob, out)
    record = json.loads((EXPERTS / "burger.json").read_text())
    record["weights_sha256"] = hashlib.sha256(out.read_bytes()).hexdigest()
    out.with_suffix(".json").write_text(json.dumps(record))
    return out


def test_an_unedited_copy_loads(tmp_path):
    path = edited_expert(tmp_path, lambda blob: None)
    assert load_expert(path, load_scenario("burger")).net.hidden == 64


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("key", ["score.0.weight", "score.4.bias", "value.2.weight"])
def test_non_finite_weights_are_refused(tmp_path, bad, key):
    def poison(blob):
        blob["state_dict"][key].view(-1)[0] = bad

    path = edited_expert(tmp_path, poison)
    with pytest.raises(ExpertError, match="not finite") as e:
        load_expert(path, load_scenario("burger"))
    assert key in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("hidden", [10**9, 2**40, 0, -64, 65, 64.0, "64", None])
def test_an_absurd_or_false_size_is_refused_before_allocating(tmp_path, hidden, monkeypatch):
    def resize(blob):
        blob["hidden"] = hidden

    path = edited_expert(tmp_path, resize)
    import engine.expert.trained as expert_module

    built = []
    real = expert_module.PolicyNet
    monkeypatch.setattr(expert_module, "PolicyNet", lambda *a, **kw: built.append(kw) or real(*a, **kw))
    with pytest.raises(ExpertError) as e:
        load_expert(path, load_scenario("burger"))
    assert built == []  # refused before any network is made
    assert "\n" not in str(e.value)


def test_tensors_of_another_shape_are_refused_even_with_a_matching_size(tmp_path):
    def widen(blob):  # a consistent-looking 128-wide file, except one tensor
        blob["hidden"] = 128
        blob["state_dict"] = {k: torch.zeros(*(128 if n == 64 else n for n in v.shape), dtype=v.dtype)
                              for k, v in blob["state_dict"].items()}
        blob["state_dict"]["value.2.bias"] = torch.zeros(3, dtype=torch.float64)

    path = edited_expert(tmp_path, widen)
    with pytest.raises(ExpertError, match="value.2.bias"):
        load_expert(path, load_scenario("burger"))


def test_missing_or_foreign_tensors_are_refused(tmp_path):
    def swap(blob):
        blob["state_dict"].pop("score.2.weight")
        blob["state_dict"]["extra"] = torch.zeros(1)

    path = edited_expert(tmp_path, swap)
    with pytest.raises(ExpertError, match="do not fit"):
        load_expert(path, load_scenario("burger"))


def test_a_file_too_large_to_be_an_expert_is_not_read(tmp_path, monkeypatch):
    import engine.expert.trained as expert_module

    path = tmp_path / "burger.pt"
    shutil.copy(EXPERTS / "burger.pt", path)
    shutil.copy(EXPERTS / "burger.json", path.with_suffix(".json"))
    monkeypatch.setattr(expert_module, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(ExpertError, match="too large"):
        load_expert(path, load_scenario("burger"))


def test_evaluate_refuses_nan_weights_with_one_line(tmp_path):
    def poison(blob):
        blob["state_dict"]["score.0.weight"][0, 0] = float("nan")

    path = edited_expert(tmp_path, poison)
    r = subprocess.run([sys.executable, "-m", "gui.cli", "evaluate", "burger", "--expert", str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "not finite" in r.stderr
