"""Routing many messages at once (``Router.route_many``, ``Features.many``) and the streaming
``python -m nlp route`` built on them: the same answers as one message at a time, only faster."""

from __future__ import annotations

import csv
import io
import json
import select
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from bot.domain.directory import load_directory
from nlp.router import MIN_CALIBRATION, Router

ROOT = Path(__file__).resolve().parents[1]
EDGES = ["", "   ", "ok", "👍👍👍", "需要需要需要开放测试路段测试路段测试路段", "A市A3区的路灯坏了", "qwxz zzqx",
         "收到\r", "交通局 交通局 交通局，还是工信局？", "İstanbul ΟΔΟΣ ΣΑΣ Ab12ＡＢ路段", "😀需要😀测试😀", "a", "需"]


def shipped_texts() -> list[str]:
    data = resources.files("nlp").joinpath("data")
    texts: list[str] = []
    for name in ("domain_needs.csv", "chat.csv", "intents.csv"):
        texts += [r["text"] for r in csv.DictReader(io.StringIO(data.joinpath(name).read_text("utf-8")))]
    return texts + EDGES


def json_line(router: Router, text: str) -> str:
    return json.dumps(router.route(text).as_json(), ensure_ascii=False)


def test_many_messages_are_featurised_exactly_as_one_at_a_time(router: Router) -> None:
    texts = shipped_texts() + ["\udcff需要测试\udcfe"]  # what undecodable input bytes become
    tokens = [router.segmenter.cut(t.encode("utf-8", "ignore").decode("utf-8")) for t in texts]
    indptr, columns, values = router.features.many(texts, tokens)
    assert len(indptr) == len(texts) + 1
    for i, (text, cut) in enumerate(zip(texts, tokens, strict=True)):
        one_columns, one_values = router.features.one(text, cut)
        start, end = indptr[i], indptr[i + 1]
        assert np.array_equal(columns[start:end], one_columns) and np.array_equal(values[start:end], one_values), text
    assert [len(a) for a in router.features.many([], [])] == [1, 0, 0]


def test_route_many_is_route_one_message_at_a_time(router: Router) -> None:
    texts = shipped_texts()
    assert router.route_many(texts) == [router.route(t) for t in texts]
    assert router.route_many([]) == []


def test_route_many_is_route_after_learning(router: Router) -> None:
    data = resources.files("nlp").joinpath("data/domain_needs.csv").read_text("utf-8")
    examples = [(r["text"], r["lead"]) for r in csv.DictReader(io.StringIO(data))][::2]
    assert len(examples) >= MIN_CALIBRATION  # the learned model and the calibrated threshold both take part
    learned = Router(load_directory(), segmenter=router.segmenter, examples=examples)
    assert learned.supervised is not None
    texts = shipped_texts()
    assert learned.route_many(texts) == [learned.route(t) for t in texts]


@pytest.fixture
def route_process() -> Iterator[subprocess.Popen[bytes]]:
    with subprocess.Popen([sys.executable, "-m", "nlp", "route"], cwd=ROOT, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:  # closes the pipes after
        yield process
        if process.poll() is None:
            process.kill()


def answer_within(process: subprocess.Popen[bytes], seconds: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    assert ready, f"no answer within {seconds} s while stdin is still open"
    return process.stdout.readline().decode("utf-8").rstrip("\n")


def test_a_line_sent_alone_is_answered_before_stdin_closes(router: Router,
                                                           route_process: subprocess.Popen[bytes]) -> None:
    """A co-process (or a person typing) sends one line and waits: the answer must not wait for more input."""
    assert route_process.stdin is not None
    for text in ("希望对接医院开展癌症早筛试点", "收到"):
        route_process.stdin.write(text.encode("utf-8") + b"\n")
        route_process.stdin.flush()
        assert answer_within(route_process, 120) == json_line(router, text)  # start-up included in the first
    route_process.stdin.close()
    assert route_process.wait(timeout=60) == 0


def test_route_command_prints_what_route_gives_for_every_line(router: Router, tmp_path: Path) -> None:
    """More than one read's worth (the input is read in 64 KB chunks, so lines and characters are split
    between reads), a line longer than a read, blank lines skipped, a carriage return kept, the last line
    without its newline."""
    texts = shipped_texts()
    lines = (texts * 2)[:3000] + ["希望对接医院开展癌症早筛试点" * 6000, "收到\r", "", "需要开放测试路段"]
    stdin = "\n".join(lines).encode("utf-8")
    assert len(stdin) > 2 * 65536
    result = subprocess.run([sys.executable, "-m", "nlp", "route"], cwd=ROOT, input=stdin, capture_output=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    expected = [json_line(router, t) for t in lines if t.strip()]
    assert result.stdout.decode("utf-8").split("\n") == [*expected, ""]


def test_the_typers_shortcut_for_messages_without_cue_words_decides_as_the_full_sum(router: Router) -> None:
    from nlp.detect import type_cues

    typer, row = router.typer, router.parties.__len__() + 1  # the type scores follow the detector's margin
    for text in shipped_texts():
        linear = router.scores(*router.featurise(text, router.segmenter.cut(text)))[row:]
        for chat in (False, True):
            cues = type_cues(text)
            full = "other" if chat and not cues.any() else \
                typer.labels[int((linear + typer._cue_weights @ cues + typer._bias).argmax())]
            assert typer.decide(text, linear, chat) == full, text
