#!/usr/bin/python3
"""Turn timm's benchmark tables into frm records, for analysis tests.

    timm_records.py OUT.jsonl BENCHMARK.csv... [--accuracy RESULTS.csv]

A deliberately plain converter, independent of `frm import`, so that
`frm analyze` can be held to scipy on measurements nobody here made.
Each benchmark file is one configuration, named after the file; each row
one record:

- model: timm's name, or `name-SIZE` when the file has the model at
  several input sizes and this row is not the 224 one;
- latency_ms.median: infer_step_time, with config.batch =
  infer_batch_size (per-sample latency is then median / batch);
- macs: infer_gmacs x 1e9; params: param_count x 1e6;
- memory_mb.peak: an estimate, (params + activations) x bytes per
  element (2 for amp, 4 otherwise) / 1e6, marked "estimated";
- tier: "cpu" when the file name says cpu, else "gpu";
- accuracy_top1: top1 / 100 of the first row of RESULTS.csv whose model,
  before the pretrained tag, and img_size match.

Rows without infer_gmacs are left out, as are rows whose numbers do not
parse.  Only the standard library is needed.
"""
import argparse
import csv
import json
import os
import sys

SAMPLE_TIME = "2026-01-01T00:00:00Z"


def number(text):
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if v == v and v not in (float("inf"), float("-inf")) else None


def load_accuracy(path):
    """{(model, size): top-1 fraction}, first row wins."""
    table = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            base = row["model"].split(".", 1)[0]
            size = number(row.get("img_size"))
            top1 = number(row.get("top1"))
            if size is None or top1 is None:
                continue
            table.setdefault((base, int(size)), top1 / 100.0)
    return table


def convert(path, accuracy):
    stem = os.path.splitext(os.path.basename(path))[0]
    fields = stem.split("-")
    precision = fields[2] if len(fields) > 2 else "fp32"
    tier = "cpu" if "cpu" in fields else "gpu"
    device = fields[-2] if fields[-1] == "dynamo" else fields[-1]
    bytes_per = 2 if precision in ("amp", "fp16") else 4
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sizes = {}
    for row in rows:
        sizes.setdefault(row["model"], set()).add(row["infer_img_size"])
    records = []
    for row in rows:
        model, size = row["model"], number(row["infer_img_size"])
        step, batch = number(row.get("infer_step_time")), number(row.get("infer_batch_size"))
        params, gmacs = number(row.get("param_count")), number(row.get("infer_gmacs"))
        macts = number(row.get("infer_macts"))
        if None in (size, step, batch, params, gmacs, macts) or step <= 0 or gmacs <= 0:
            continue
        size = int(size)
        name = model if len(sizes[model]) == 1 or size == 224 else "%s-%d" % (model, size)
        records.append({
            "schema": "frm.record/1",
            "status": "ok",
            "model": name,
            "device": device,
            "tier": tier,
            "framework": "pytorch",
            "config": {"precision": precision, "batch": int(batch), "input_size": size},
            "config_id": stem,
            "latency_ms": {"median": step},
            "memory_mb": {"peak": (params + macts) * 1e6 * bytes_per / 1e6,
                          "source": "estimated:params+activations"},
            "energy_mj": None,
            "macs": gmacs * 1e9,
            "params": params * 1e6,
            "accuracy_top1": accuracy.get((model, size)),
            "source": "import:timm:" + os.path.basename(path),
            "timestamp": SAMPLE_TIME,
        })
    return records


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("benchmarks", nargs="+")
    ap.add_argument("--accuracy")
    args = ap.parse_args(argv)
    accuracy = load_accuracy(args.accuracy) if args.accuracy else {}
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for path in args.benchmarks:
            for rec in convert(path, accuracy):
                f.write(json.dumps(rec, separators=(",", ":"), allow_nan=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
