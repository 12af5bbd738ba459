"""Holds `frm import aihub` to an independent reading of the YAML files.

usage: check_aihub.py FRM WORK_DIR RELEASE...

Each release's perf.yaml files are re-read here with Python's yaml module
(a test oracle only).  Every measured entry, (model folder, precision,
component, device, runtime), must come out of frm as a record with the
same latency (milliseconds), memory bounds (MB), device, runtime and
precision, or appear in frm's -v listing of entries left out, with a
reason that the YAML bears out.  Prints the counts per release.
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys

import yaml


def entries(release):
    """(key, entry dict) for every runtime entry of every perf.yaml of a release."""
    out = []
    for perf in sorted(glob.glob(os.path.join(release, "qai_hub_models", "models", "*", "perf.yaml"))):
        folder = os.path.basename(os.path.dirname(perf))
        with open(perf, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        if "precisions" in doc:
            for precision, p in (doc["precisions"] or {}).items():
                for component, comp in ((p or {}).get("components") or {}).items():
                    for device, runtimes in ((comp or {}).get("performance_metrics") or {}).items():
                        for runtime, e in (runtimes or {}).items():
                            if isinstance(e, dict):
                                out.append(((folder, precision, component, device, runtime), e, "ms"))
        else:
            for model in doc.get("models") or []:
                for item in model.get("performance_metrics") or []:
                    device = item["reference_device_info"]["name"]
                    for runtime, e in item.items():
                        if isinstance(e, dict) and ("inference_time" in e or "job_status" in e):
                            out.append(((folder, e.get("precision"), model["name"], device, runtime),
                                        e, "us"))
    return out


def framework(runtime):
    if runtime == "qnn" or runtime.startswith("qnn_") or runtime.endswith("_qnn"):
        return "qnn"
    if "onnx" in runtime:
        return "onnxruntime"
    if "tflite" in runtime:
        return "tflite"
    return runtime


def check(frm, work, release, label):
    out = os.path.join(work, label + ".jsonl")
    run = subprocess.run([frm, "import", "aihub", "-v", "-o", out, release],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"aihub {label}: frm failed:\n{run.stderr}")
        return 1
    records = [json.loads(line) for line in open(out, encoding="utf-8")]
    by_key = {}
    for r in records:
        c = r["config"]
        key = (c["model_folder"], c["component"], r["device"], c["runtime"], r["latency_ms"]["median"])
        by_key[key + (c["precision"],)] = r
        by_key.setdefault(key, r)
    skipped = collections.Counter()
    for line in run.stderr.splitlines():
        m = re.match(r"frm: skipped: .*/models/([^/]+)/perf\.yaml:\d+: (.*) / ([^/]+) / ([^/]+?) / ([^/]+?): (.*)$",
                     line)
        if m:
            skipped[(m.group(1), m.group(4).strip(), m.group(5).strip())] += 1
    failures, n_records, n_skipped = 0, 0, collections.Counter()
    seen_jobs = collections.defaultdict(list)
    all_entries = entries(release)
    for key, e, unit in all_entries:
        seen_jobs[(key[0], key[1], key[2], key[4], e.get("job_id"))].append(key[3])
    for key, e, unit in all_entries:
        folder, precision, component, device, runtime = key
        t = e.get("inference_time", e.get("inference_time_milliseconds"))
        if "llm_metrics" in e and t is None:
            n_skipped["language model"] += 1
            continue
        if e.get("job_status", "Passed") != "Passed" or t in (None, "null"):
            n_skipped["not passed or no latency"] += 1
            continue
        sharers = seen_jobs[(folder, precision, component, runtime, e.get("job_id"))]
        latency = t / 1000.0 if unit == "us" else float(t)
        look = (folder, component, device, runtime, latency)
        rec = by_key.get(look + (precision,) if unit == "ms" else look)
        if rec is None:
            if e.get("job_id") and len(set(sharers)) > 1 and skipped[(folder, device, runtime)]:
                n_skipped["mirrored"] += 1
                continue
            failures += 1
            if failures <= 10:
                print(f"aihub {label}: no record and no reason for {key} ({latency} ms)")
            continue
        n_records += 1
        want = {"framework": framework(runtime), "device": device}
        got = {"framework": rec["framework"], "device": rec["device"]}
        mem = e.get("estimated_peak_memory_range", e.get("estimated_peak_memory_range_mb"))
        if mem:
            scale = 1 if unit == "us" else 1048576
            hi, lo = round(mem["max"] * scale) / 1e6, round(mem["min"] * scale) / 1e6
            if hi > 0:
                want["memory"] = (hi, lo)
                got["memory"] = (rec.get("memory_mb", {}).get("peak"), rec.get("memory_mb", {}).get("peak_lower"))
            else:
                want["memory"], got["memory"] = None, rec.get("memory_mb")
        if unit == "ms" and rec["config"]["precision"] != precision:
            want["precision"], got["precision"] = precision, rec["config"]["precision"]
        if got != want:
            failures += 1
            if failures <= 10:
                print(f"aihub {label}: {key}: expected {want}, got {got}")
    total = len(all_entries)
    accounted = n_records + sum(n_skipped.values())
    if accounted != total or len(records) != n_records:
        print(f"aihub {label}: {total} entries, {n_records} matched records of {len(records)}, "
              f"{sum(n_skipped.values())} skipped: not every entry accounted for")
        failures += 1
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(n_skipped.items()))
    print(f"aihub {label}: {total} entries, {len(records)} records, skipped: {reasons or 'none'}; "
          f"{failures} mismatches")
    return 1 if failures else 0


def main():
    frm, work = sys.argv[1:3]
    status = 0
    for release in sys.argv[3:]:
        status |= check(frm, work, release, os.path.basename(os.path.normpath(release)))
    return status


if __name__ == "__main__":
    sys.exit(main())
