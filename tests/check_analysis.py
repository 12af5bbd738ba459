#!/usr/bin/python3
"""Hold `frm analyze --format json` to the scipy reference.

    check_analysis.py FRM_BINARY [FILE...]

Without FILE, writes the synthetic paper-style dataset
(gen_paper_dataset.py) into a temporary directory and uses that.  For
each of several option sets it runs

    FRM_BINARY analyze --format json OPTIONS FILE...
    analysis_reference.py OPTIONS FILE...

and compares the two JSON documents: every key of the reference must be
in frm's output (frm may add keys), numbers must agree within
1e-6 x max(1, |scipy|), nulls, strings and booleans exactly, lists
element by element.  The reasons of skipped configurations are not
compared (their wording is frm's own), only which configurations were
skipped.

Exit status: 0 when everything agrees, 1 on a mismatch or when frm (or
the reference) fails, 77 (skipped, for ctest) when numpy or scipy
cannot be imported, 2 on a usage error.
"""
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "analysis_reference.py")
GENERATOR = os.path.join(HERE, "gen_paper_dataset.py")
TOLERANCE = 1e-6
EXIT_SKIP = 77
TIMEOUT_S = 600
BASELINE = "resnet50"           # the default baseline of both tools
TIERS = ("gpu", "cpu", "edge")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
REASON_PARENT = re.compile(r"dataset\.skipped_configs\[\d+\]\Z")


# ---------------------------------------------------------------- option sets

def survey(paths):
    """Models, and configurations per device with their tier, in order of
    first appearance: what the option sets need to pick real names."""
    decoder = json.JSONDecoder()
    models, devices = [], {}
    for path in paths:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8-sig")
        pos = 0
        while True:
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos >= len(text):
                break
            rec, pos = decoder.raw_decode(text, pos)
            if not isinstance(rec, dict) or rec.get("status") != "ok":
                continue
            if rec.get("model") not in models:
                models.append(rec.get("model"))
            configs = devices.setdefault(rec.get("device"), {})
            configs.setdefault(rec.get("config_id"), rec.get("tier"))
    return models, devices


def option_sets(paths):
    """(label, options) pairs: each option that changes figures at least once, and a
    few combinations that move many figures at a time."""
    models, devices = survey(paths)
    # frm refuses a baseline that is no model of the dataset.
    other = "mobilenetv2_100" if "mobilenetv2_100" in models else \
        next((m for m in models if m != BASELINE), BASELINE)
    sets = [
        ("defaults", []),
        ("frm_e", ["--metric", "frm_e"]),
        ("frm_q", ["--metric", "frm_q"]),
        ("frm_q, paper's rule", ["--metric", "frm_q", "--frm-q", "paper"]),
        ("other baseline", ["--baseline", other, "--min-common", "6", "--alpha", "0.01"]),
        ("8 models", ["--models", ",".join(models[:8])]),
    ]
    # Eight models without the baseline: it must still normalise them.
    others = [m for m in models if m != BASELINE]
    sets.append(("8 models, baseline not analysed", ["--models", ",".join(others[:8])]))
    # Move a device to another tier, and one of its configurations to a
    # third tier by config_id, which must win over the device.
    if devices:
        device = next((d for d, c in devices.items() if len(c) >= 2), next(iter(devices)))
        configs = devices[device]
        first_cid, first_tier = next(iter(configs.items()))
        moved = [t for t in TIERS if t != first_tier]
        opts = ["--tier-of", "%s=%s" % (device, moved[0])]
        if len(configs) >= 2:
            opts += ["--tier-of", "%s=%s" % (first_cid, moved[1])]
        sets.append(("tier-of", opts))
    sets += [
        ("transfer and flops only", ["--section", "transfer,flops"]),
        ("min-common 13", ["--min-common", "13",
                           "--baselines", "efficientnet_b0,squeezenet1_1"]),
        ("frm_q, three sections", ["--metric", "frm_q", "--alpha", "0.001",
                                   "--section", "stability,disagreements,interactions"]),
    ]
    return sets


# ---------------------------------------------------------------- comparing

def key_path(path, key):
    if IDENTIFIER.match(key):
        return "%s.%s" % (path, key) if path else key
    return '%s["%s"]' % (path, key)


def show(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "%.10g" % v
    if isinstance(v, (dict, list)):
        return "an object" if isinstance(v, dict) else "a list"
    return json.dumps(v)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compare(ref, got, path, mismatches):
    """Compare `got` (frm) with `ref` (scipy); returns the figures compared
    and appends "path: what differs" to mismatches."""
    def bad(what):
        mismatches.append("%s: %s" % (path or "(document)", what))

    if isinstance(ref, dict):
        if not isinstance(got, dict):
            bad("frm says %s, scipy says an object" % show(got))
            return 1
        count = 0
        for key, value in ref.items():
            if key == "reason" and REASON_PARENT.match(path):
                continue
            sub = key_path(path, key)
            if key not in got:
                mismatches.append("%s: missing from frm's output (scipy says %s)"
                                  % (sub, show(value)))
                count += 1
            else:
                count += compare(value, got[key], sub, mismatches)
        return count
    if isinstance(ref, list):
        if not isinstance(got, list):
            bad("frm says %s, scipy says a list" % show(got))
            return 1
        if len(got) != len(ref):
            bad("frm has %d elements, scipy %d" % (len(got), len(ref)))
            return 1
        return sum(compare(r, g, "%s[%d]" % (path, i), mismatches)
                   for i, (r, g) in enumerate(zip(ref, got)))
    if ref is None:
        if got is not None:
            bad("frm says %s, scipy says null" % show(got))
    elif isinstance(ref, bool) or isinstance(ref, str):
        if type(got) is not type(ref) or got != ref:
            bad("frm says %s, scipy says %s" % (show(got), show(ref)))
    elif is_number(ref):
        if not is_number(got):
            bad("frm says %s, scipy says %s" % (show(got), show(ref)))
        elif abs(got - ref) > TOLERANCE * max(1.0, abs(ref)):
            bad("frm %s, scipy %s" % (show(got), show(ref)))
    else:
        bad("scipy says %s, which the checker does not know" % show(ref))
    return 1


# ---------------------------------------------------------------- running

def run_json(argv, who):
    """Run a command; (document, None) or (None, why it failed)."""
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "%s did not run: %s" % (who, e)
    err = p.stderr.decode("utf-8", "replace").rstrip()
    if p.returncode != 0:
        return None, "%s exited with status %d:\n%s" % (who, p.returncode, err)
    try:
        return json.loads(p.stdout.decode("utf-8")), None
    except ValueError as e:
        return None, "%s wrote invalid JSON (%s):\n%s" % (who, e, err)


def check(frm, paths):
    sets = option_sets(paths)
    figures = mismatched = failed = 0
    for label, opts in sets:
        got, why = run_json([frm, "analyze", "--format", "json"] + opts + paths, "frm")
        ref, rwhy = run_json([sys.executable, REFERENCE] + opts + paths, "the reference")
        shown = " ".join(opts) or "(no options)"
        if why or rwhy:
            failed += 1
            print("FAIL  %s: %s" % (label, shown))
            for w in (why, rwhy):
                if w:
                    print("      " + w.replace("\n", "\n      "))
            continue
        mismatches = []
        n = compare(ref, got, "", mismatches)
        figures += n
        mismatched += len(mismatches)
        print("%s  %s: %s (%d figures%s)" % ("ok  " if not mismatches else "FAIL", label,
                                             shown, n, ", %d mismatches" % len(mismatches)
                                             if mismatches else ""))
        for m in mismatches:
            print("      " + m)
    summary = "%d option sets, %d figures compared, %d mismatches" % (len(sets), figures,
                                                                     mismatched)
    if failed:
        summary += ", %d runs failed" % failed
    print(summary)
    return 0 if mismatched == 0 and failed == 0 else 1


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: check_analysis.py FRM_BINARY [FILE...]", file=sys.stderr)
        return 2
    try:
        for module in ("numpy", "scipy.stats"):     # what the reference needs
            importlib.import_module(module)
    except ImportError as e:
        print("check_analysis.py: skipped: %s (run it with an interpreter that has "
              "numpy and scipy)" % e)
        return EXIT_SKIP
    frm, paths = argv[0], argv[1:]
    if paths:
        return check(frm, paths)
    with tempfile.TemporaryDirectory(prefix="frm-analysis-") as tmp:
        data = os.path.join(tmp, "paper-style.jsonl")
        subprocess.run([sys.executable, GENERATOR, data], check=True)
        return check(frm, [data])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
