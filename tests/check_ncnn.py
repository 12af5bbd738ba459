"""Holds `frm import ncnn` to an independent reading of ncnn's benchmark table.

usage: check_ncnn.py FRM TABLE WORK_DIR

The table is read here with plain regular expressions: every
`NAME min = X max = Y avg = Z` line under a `### board` heading (outside
code blocks) is one row.  frm's records must be those rows, in file order,
with the same board, numbers and precision, and the run's thread count
when the command line states it.
"""
import json
import re
import subprocess
import sys

ROW = re.compile(r"^\s*(\S+)\s+min\s*=\s*([0-9.]+)\s+max\s*=\s*([0-9.]+)\s+avg\s*=\s*([0-9.]+)\s*$")
COMMAND = re.compile(r"benchncnn(?:\.exe)?\s+(\d+)\s+(\d+)")


def expected_rows(path):
    rows, board, fence, threads = [], None, False, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.lstrip().startswith("```"):
                fence = not fence
                continue
            if not fence and line.startswith("### "):
                board, threads = line[4:].strip(), None
                continue
            m = COMMAND.search(line)
            if m:
                threads = int(m.group(2))
                continue
            m = re.match(r"^\s*num_threads\s*=\s*(\d+)\s*$", line)
            if m:
                threads = int(m.group(1))
                continue
            m = ROW.match(line)
            if m:
                name, lo, hi, avg = m.groups()
                rows.append((board, name, float(lo), float(hi), float(avg), threads))
    return rows


def main():
    frm, table, work = sys.argv[1:4]
    out = work + "/ncnn.jsonl"
    subprocess.run([frm, "import", "ncnn", "-q", "-o", out, table], check=True)
    records = [json.loads(line) for line in open(out, encoding="utf-8")]
    rows = expected_rows(table)
    failures = 0
    if len(records) != len(rows):
        print(f"ncnn: {len(rows)} rows in the table but {len(records)} records")
        return 1
    for rec, (board, name, lo, hi, avg, threads) in zip(records, rows):
        int8 = name.endswith("_int8")
        want = {
            "device": board,
            "latency_ms.min": lo,
            "latency_ms.max": hi,
            "latency_ms.mean": avg,
            "latency_ms.median": avg,
            "config.precision": "int8" if int8 else "float",
        }
        got = {
            "device": rec["device"],
            "latency_ms.min": rec["latency_ms"]["min"],
            "latency_ms.max": rec["latency_ms"]["max"],
            "latency_ms.mean": rec["latency_ms"]["mean"],
            "latency_ms.median": rec["latency_ms"]["median"],
            "config.precision": rec["config"]["precision"],
        }
        source = rec["config"].get("source_model", rec["model"])
        if source != (name[:-5] if int8 else name):
            got["model"], want["model"] = source, name
        if threads is not None and rec["config"].get("threads") != threads:
            got["threads"], want["threads"] = rec["config"].get("threads"), threads
        if "macs" in rec or "memory_mb" in rec:
            got["absent"], want["absent"] = "macs or memory_mb present", "neither"
        if got != want:
            failures += 1
            if failures <= 10:
                print(f"ncnn: {board} {name}: expected {want}, got {got}")
    boards = len({r[0] for r in rows})
    configs = len({r["config_id"] for r in records})
    print(f"ncnn: {boards} boards, {configs} configurations, {len(rows)} rows, "
          f"{len(records)} records, {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
