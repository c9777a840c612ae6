"""Evaluation of the supervised router on any labelled split (columns text,label)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score

from nlp.model import TextModel

csv.field_size_limit(sys.maxsize)


def read_labelled(path: str | Path) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected columns text,label")
        rows = [(r["text"] or "", (r["label"] or "").strip()) for r in reader]
    rows = [(t, label) for t, label in rows if t.strip() and label]
    return [t for t, _ in rows], [label for _, label in rows]


def evaluate(train: str | Path, test: str | Path, cut: Callable[[str], list[str]], out: TextIO) -> tuple[float, float]:
    train_texts, train_labels = read_labelled(train)
    test_texts, test_labels = read_labelled(test)
    model = TextModel(cut).fit(train_texts, train_labels)
    predicted = model.predict(test_texts)
    labels = sorted(set(train_labels) | set(test_labels))
    accuracy = accuracy_score(test_labels, predicted)
    macro_f1 = f1_score(test_labels, predicted, labels=labels, average="macro", zero_division=0)
    print(f"train={len(train_texts)} test={len(test_texts)} labels={len(labels)}", file=out)
    print(classification_report(test_labels, predicted, labels=labels, digits=4, zero_division=0), file=out)
    print("confusion matrix (rows = true, columns = predicted):", file=out)
    width = max(len(label) for label in labels)
    print(" " * (width + 1) + " ".join(f"{i:>5}" for i in range(len(labels))), file=out)
    for i, (label, row) in enumerate(zip(labels, confusion_matrix(test_labels, predicted, labels=labels),
                                         strict=True)):
        print(f"{label:>{width}} " + " ".join(f"{n:>5}" for n in row) + f"   ({i})", file=out)
    print(f"accuracy={accuracy:.4f} macro_f1={macro_f1:.4f}", file=out)
    return float(accuracy), float(macro_f1)
