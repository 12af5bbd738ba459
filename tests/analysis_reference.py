#!/usr/bin/python3
"""Independent scipy reference for `frm analyze --format json`.

    analysis_reference.py [options] FILE...

Reads benchmark records (JSON Lines, schema frm.record/1) and prints the
analysis of docs/analysis.md as JSON, with the same keys in the same
order, computed straight from the definitions with numpy and scipy.
tests/check_analysis.py holds frm's output to it.

It is written from docs/analysis.md and docs/metric.md alone, never from
frm's C code, so that a misreading on either side shows up as a mismatch
instead of being copied.  Clarity wins over speed: every figure is
recomputed from the per-(configuration, model) table, and the datasets it
runs on are small.

Where scipy raises or returns nan for a degenerate input (a constant
side in Spearman, all-zero differences in Wilcoxon, all-equal values in
Kruskal-Wallis, an empty sample), the figure is null.

Run it with Debian's /usr/bin/python3, which has numpy and scipy 1.10.
"""
import argparse
import json
import math
import sys
import warnings
from itertools import combinations

import numpy as np
from scipy import stats

TIERS = ("gpu", "cpu", "edge")
TIER_PAIRS = ("gpu->cpu", "gpu->edge", "cpu->edge")
SECTIONS = ("stability", "variability", "frameworks", "transfer", "flops",
            "disagreements", "interactions", "baselines")
DEFAULT_BASELINES = "resnet50,mobilenetv2_100,efficientnet_b0"
# Stability reports these kinds in this order (docs/analysis.md, JSON).
STABILITY_KINDS = ("frm", "frm_e", "frm_q", "latency", "memory", "macs", "accuracy")
# Which column of a table row each stability kind ranks.
STABILITY_COLUMN = {"frm": "frm", "frm_e": "frm_e", "frm_q": "metric", "latency": "latency",
                    "memory": "memory", "macs": "macs", "accuracy": "accuracy"}
# Rhos closer than this are the same rho (see mannwhitney_rhos).
RHO_TIE = 1e-12
# Variability kinds and the row column each takes its CV of.
VARIABILITY_COLUMN = (("frm", "metric"), ("latency_ratio", "latency_ratio"),
                      ("latency_raw", "latency"), ("memory_ratio", "memory_ratio"),
                      ("memory_raw", "memory"))


class InputError(Exception):
    """A problem with the records: reported on stderr, exit status 1."""


# ---------------------------------------------------------------- numbers

def num(x):
    """A JSON number, or None for an absent or non-finite one."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def quiet(fn, *args, **kwargs):
    """Call a scipy function; None when it raises (degenerate input)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs)
        except ValueError:
            return None


def summary(values):
    """mean, std (ddof=1), median, count; None over too few values."""
    n = len(values)
    a = np.asarray(values, dtype=float)
    return {
        "mean": num(np.mean(a)) if n else None,
        "std": num(np.std(a, ddof=1)) if n >= 2 else None,
        "median": num(np.median(a)) if n else None,
        "n": n,
    }


def mean_or_none(values):
    return num(np.mean(values)) if values else None


def spearman(x, y):
    """(rho, p) from scipy.stats.spearmanr; rho None when undefined."""
    r = quiet(stats.spearmanr, np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    if r is None:
        return None, None
    rho, p = num(r[0]), num(r[1])
    return (rho, p) if rho is not None else (None, None)


def mannwhitney(x, y):
    """{U, p}: two-sided, method 'auto'; U is x's statistic."""
    if not x or not y:
        return {"U": None, "p": None}
    r = quiet(stats.mannwhitneyu, np.asarray(x, dtype=float), np.asarray(y, dtype=float),
              alternative="two-sided")
    if r is None:
        return {"U": None, "p": None}
    return {"U": num(r.statistic), "p": num(r.pvalue)}


def mannwhitney_rhos(x, y):
    """Mann-Whitney of two samples of rhos, with equal rhos tied.

    spearmanr computes rho through np.corrcoef, so two pairs with the same
    rank agreement (the same rational rho) can get rhos a bit or two apart,
    and Mann-Whitney would rank them apart.  Rhos within RHO_TIE of each
    other are made equal first: distinct rhos of fewer than a hundred
    models differ by far more.
    """
    snapped = {}
    last = None
    for v in sorted(set(x) | set(y)):
        if last is None or v - last > RHO_TIE:
            last = v
        snapped[v] = last
    return mannwhitney([snapped[v] for v in x], [snapped[v] for v in y])


def wilcoxon(x, y):
    """{statistic, p}: scipy.stats.wilcoxon(x, y) with its defaults."""
    if not x:
        return {"statistic": None, "p": None}
    r = quiet(stats.wilcoxon, np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    if r is None:
        return {"statistic": None, "p": None}
    return {"statistic": num(r.statistic), "p": num(r.pvalue)}


def cv(values):
    """Coefficient of variation, std(ddof=1) / mean."""
    return num(quiet(stats.variation, np.asarray(values, dtype=float), ddof=1))


# ---------------------------------------------------------------- reading

def read_records(paths, dedupe):
    """The `ok` records of every file, in order, one per (config_id, model).

    Uses raw_decode over the whole text, so blank lines, CRLF, a BOM and
    objects concatenated on one line are all read, like frm's reader.
    """
    decoder = json.JSONDecoder()
    by_key = {}
    order = []
    for path in paths:
        if path == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8-sig")
        pos = 0
        while True:
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos >= len(text):
                break
            line = text.count("\n", 0, pos) + 1
            try:
                rec, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as e:
                raise InputError("%s:%d: malformed JSON: %s" % (path, line, e.msg))
            if not isinstance(rec, dict) or rec.get("status") != "ok":
                continue
            for field in ("config_id", "model", "device", "tier", "framework"):
                if not isinstance(rec.get(field), str):
                    raise InputError("%s:%d: field '%s' is missing" % (path, line, field))
            key = (rec["config_id"], rec["model"])
            if key in by_key:
                if dedupe == "first":
                    continue
                if dedupe != "last":
                    raise InputError("%s:%d: duplicate record for model '%s' in "
                                     "configuration '%s'" % (path, line, key[1], key[0]))
            else:
                order.append(key)
            by_key[key] = rec
    return [by_key[k] for k in order]


def group_configs(records, tier_of):
    """config_id -> {device, tier, framework, records{model: record}}, in
    order of first appearance; also the models in order of first appearance.

    The tier is the records' tier unless --tier-of names the config_id
    (which wins) or the device.
    """
    configs = {}
    models = []
    for rec in records:
        cid = rec["config_id"]
        c = configs.get(cid)
        if c is None:
            c = configs[cid] = {"device": rec["device"], "tier": rec["tier"],
                                "framework": rec["framework"], "records": {}}
        for field in ("device", "tier", "framework"):
            if rec[field] != c[field]:
                raise InputError("configuration '%s' mixes %s '%s' and '%s'"
                                 % (cid, field, c[field], rec[field]))
        c["records"][rec["model"]] = rec
        if rec["model"] not in models:
            models.append(rec["model"])
    for cid, c in configs.items():
        if cid in tier_of:
            c["tier"] = tier_of[cid]
        elif c["device"] in tier_of:
            c["tier"] = tier_of[c["device"]]
    return configs, models


# ---------------------------------------------------------------- scoring

def usable(v):
    """A positive finite number (booleans are not numbers)."""
    return (isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v) and v > 0)


def values_of(rec):
    """What FRM needs of one record; None where absent."""
    config = rec.get("config")
    batch = config.get("batch") if isinstance(config, dict) else None
    if batch is None:
        batch = 1       # absent or null: one sample per call
    lat = (rec.get("latency_ms") or {}).get("median")
    acc = rec.get("accuracy_top1")
    return {
        "macs": rec.get("macs"),
        "latency": lat / batch if usable(lat) and usable(batch) else None,
        "memory": (rec.get("memory_mb") or {}).get("peak"),
        "energy": rec.get("energy_mj"),
        "accuracy": acc if isinstance(acc, (int, float)) and not isinstance(acc, bool)
        and 0 <= acc <= 1 else None,
    }


def problem(v, metric, frm_q_rule, is_baseline):
    """Why a record cannot be scored with `metric`, or None."""
    for name in ("macs", "latency", "memory"):
        if not usable(v[name]):
            return "%s is missing or not a positive number" % name
    if metric == "frm_e" and not usable(v["energy"]):
        return "energy_mj is missing or not a positive number, and frm_e needs it"
    if metric == "frm_q":
        if v["accuracy"] is None:
            return "accuracy_top1 is missing, and frm_q needs it"
        if (is_baseline or frm_q_rule == "paper") and v["accuracy"] == 1:
            return "accuracy_top1 is 1, so the error-rate ratio divides by zero"
    return None


def score(configs, baseline, metric, frm_q_rule, analysed):
    """The analysis table: {config_id: {model: row}} over the scored
    configurations and the analysed models scored in them, and the
    skipped configurations [(config_id, reason)].

    Every model is divided by the baseline's values in its own
    configuration; FRM is exp(mean(log ratios)).
    """
    table = {}
    skipped = []
    for cid, c in configs.items():
        recs = c["records"]
        if baseline not in recs:
            skipped.append((cid, "no record for baseline '%s'" % baseline))
            continue
        b = values_of(recs[baseline])
        why = problem(b, metric, frm_q_rule, True)
        if why is not None:
            skipped.append((cid, "baseline '%s': %s" % (baseline, why)))
            continue
        rows = {}
        for m, rec in recs.items():
            if m not in analysed:
                continue
            v = values_of(rec)
            if problem(v, metric, frm_q_rule, m == baseline) is not None:
                continue
            logs = [math.log(v["macs"] / b["macs"]), math.log(v["latency"] / b["latency"]),
                    math.log(v["memory"] / b["memory"])]
            frm = math.exp(sum(logs) / 3)
            frm_e = None
            if usable(v["energy"]) and usable(b["energy"]):
                frm_e = math.exp((sum(logs) + math.log(v["energy"] / b["energy"])) / 4)
            if metric == "frm":
                value = frm
            elif metric == "frm_e":
                value = frm_e
            elif frm_q_rule == "paper":
                value = frm / (1 - v["accuracy"])
            else:
                value = frm * (1 - v["accuracy"]) / (1 - b["accuracy"])
            if not usable(value):
                continue        # frm_q of a 100%-accurate model is 0
            rows[m] = {
                "metric": value,
                "frm": frm,
                "frm_e": frm_e,
                "latency_ratio": v["latency"] / b["latency"],
                "memory_ratio": v["memory"] / b["memory"],
                "latency": v["latency"],
                "memory": v["memory"],
                "macs": v["macs"],
                "accuracy": v["accuracy"],
            }
        table[cid] = dict(sorted(rows.items(), key=lambda kv: analysed[kv[0]]))
    return table, skipped


# ---------------------------------------------------------------- pairs

def compare(rows_a, rows_b, column, min_common):
    """Spearman of `column` between two configurations on their common set.

    Returns (status, S, rho, p) with status "ok", "skipped" (|S| below
    min_common) or "undefined" (a constant side).
    """
    common = [m for m in rows_a if m in rows_b
              and rows_a[m][column] is not None and rows_b[m][column] is not None]
    if len(common) < min_common:
        return "skipped", common, None, None
    rho, p = spearman([rows_a[m][column] for m in common],
                      [rows_b[m][column] for m in common])
    if rho is None:
        return "undefined", common, None, None
    return "ok", common, rho, p


def significant(p, alpha):
    return p is not None and p < alpha


def pairwise_accuracy(rows_a, rows_b, common, column):
    """Share of model pairs ordered the same way in both configurations."""
    pairs = list(combinations(common, 2))
    if not pairs:
        return None
    def sign(d):
        return (d > 0) - (d < 0)

    same = sum(sign(rows_a[i][column] - rows_a[j][column])
               == sign(rows_b[i][column] - rows_b[j][column]) for i, j in pairs)
    return same / len(pairs)


def metric_kind(metric):
    """The stability key under which the chosen metric is reported."""
    return "frm" if metric == "frm" else metric


# ---------------------------------------------------------------- sections

def stability(table, metric, min_common, alpha, only_metric=False):
    """The stability section; with only_metric, just the chosen metric's
    figures (all that the baselines section needs, at a seventh of the cost)."""
    kinds = ["frm"]
    if metric == "frm_e" or any(r["frm_e"] is not None for rows in table.values()
                                for r in rows.values()):
        kinds.append("frm_e")
    if metric == "frm_q":
        kinds.append("frm_q")
    kinds += ["latency", "memory", "macs", "accuracy"]
    if only_metric:
        kinds = [metric_kind(metric)]
    out = {}
    rhos = {}
    for kind in STABILITY_KINDS:
        if kind not in kinds:
            continue
        defined, n_sig, n_skipped, n_undefined = [], 0, 0, 0
        for a, b in combinations(table, 2):
            status, _, rho, p = compare(table[a], table[b], STABILITY_COLUMN[kind], min_common)
            if status == "skipped":
                n_skipped += 1
            elif status == "undefined":
                n_undefined += 1
            else:
                defined.append(rho)
                n_sig += significant(p, alpha)
        s = summary(defined)
        out[kind] = {"mean": s["mean"], "std": s["std"], "median": s["median"],
                     "n_pairs": s["n"],
                     "share_significant": n_sig / len(defined) if defined else None,
                     "n_skipped": n_skipped, "n_undefined": n_undefined}
        rhos[kind] = defined
    if not only_metric:
        out["mannwhitney_frm_vs_latency"] = mannwhitney_rhos(rhos[metric_kind(metric)],
                                                             rhos["latency"])
    return out


def model_order(table):
    """Models of the table in their global order (rows are sorted so)."""
    seen = {}
    for rows in table.values():
        for m in rows:
            seen.setdefault(m, None)
    return list(seen)


def variability(table, baseline):
    """Paper 4.1: per model, CVs across configurations; the baseline is
    left out because its ratios are 1 everywhere."""
    cvs = {kind: [] for kind, _ in VARIABILITY_COLUMN}
    for m in model_order(table):
        if m == baseline:
            continue
        rows = [t[m] for t in table.values() if m in t]
        if len(rows) < 2:
            continue
        for kind, column in VARIABILITY_COLUMN:
            cvs[kind].append(cv([r[column] for r in rows]))
    out = {}
    for kind, _ in VARIABILITY_COLUMN:
        values = [v for v in cvs[kind] if v is not None]
        out[kind] = {"mean_cv": mean_or_none(values),
                     "median_cv": num(np.median(values)) if values else None,
                     "n_models": len(values)}
    out["wilcoxon_frm_vs_latency_raw"] = wilcoxon(cvs["frm"], cvs["latency_raw"])
    out["wilcoxon_frm_vs_latency_ratio"] = wilcoxon(cvs["frm"], cvs["latency_ratio"])
    return out


def frameworks(table, configs, min_common, alpha):
    """Paper 4.2: every pair of configurations on one device.  pairs[]
    lists skipped and undefined pairs too, with rho and p null."""
    pairs, defined, n_sig = [], [], 0
    for a, b in combinations(table, 2):
        if configs[a]["device"] != configs[b]["device"]:
            continue
        status, common, rho, p = compare(table[a], table[b], "metric", min_common)
        pairs.append({"device": configs[a]["device"], "a": a, "b": b, "n": len(common),
                      "rho": rho, "p": p})
        if status == "ok":
            defined.append(rho)
            n_sig += significant(p, alpha)
    s = summary(defined)
    return {"mean": s["mean"], "std": s["std"], "median": s["median"], "n_pairs": s["n"],
            "n_significant": n_sig, "pairs": pairs}


def transfer(table, configs, min_common, alpha):
    """Paper 4.3: pairs across known, different tiers, grouped by tier
    pair in tier order.  Latency rhos count on their own; the metric's
    figures and the ordering accuracy only where the metric rho is defined."""
    groups = {key: {"frm": [], "sig": 0, "lat": [], "acc": []} for key in TIER_PAIRS}
    everything = {"frm": [], "sig": 0, "lat": [], "acc": []}
    for a, b in combinations(table, 2):
        ta, tb = configs[a]["tier"], configs[b]["tier"]
        if ta not in TIERS or tb not in TIERS or ta == tb:
            continue
        first, second = sorted((ta, tb), key=TIERS.index)
        key = "%s->%s" % (first, second)
        status, common, rho, p = compare(table[a], table[b], "metric", min_common)
        lstatus, _, lrho, _ = compare(table[a], table[b], "latency", min_common)
        for g in (groups[key], everything):
            if status == "ok":
                g["frm"].append(rho)
                g["sig"] += significant(p, alpha)
                g["acc"].append(pairwise_accuracy(table[a], table[b], common, "metric"))
            if lstatus == "ok":
                g["lat"].append(lrho)

    def report(g):
        s, ls = summary(g["frm"]), summary(g["lat"])
        acc = [v for v in g["acc"] if v is not None]
        return {"n": s["n"], "frm_mean": s["mean"], "frm_std": s["std"],
                "frm_median": s["median"],
                "share_significant": g["sig"] / s["n"] if s["n"] else None,
                "latency_mean": ls["mean"], "latency_std": ls["std"], "latency_n": ls["n"],
                "pairwise_accuracy_mean": mean_or_none(acc)}

    return {"by_tier_pair": {key: report(groups[key]) for key in TIER_PAIRS},
            "overall": report(everything),
            "mannwhitney_frm_vs_latency": mannwhitney_rhos(everything["frm"],
                                                           everything["lat"])}


def rank_configs(table, min_common):
    """Per configuration with >= min_common models: (config_id, models,
    metric ranks, MACs ranks, rho)."""
    out = []
    for cid, rows in table.items():
        if len(rows) < min_common:
            continue
        models = list(rows)
        metric = [rows[m]["metric"] for m in models]
        macs = [rows[m]["macs"] for m in models]
        rho, _ = spearman(metric, macs)
        out.append((cid, models, stats.rankdata(metric), stats.rankdata(macs), rho))
    return out


def flops(table, min_common):
    """Paper 4.4: metric against MACs within each configuration, over the
    configurations whose rho is defined."""
    rhos, diffs = [], []
    for _, _, r_metric, r_macs, rho in rank_configs(table, min_common):
        if rho is None:
            continue
        rhos.append(rho)
        diffs.append(float(np.mean(np.abs(r_metric - r_macs))))
    s = summary(rhos)
    return {"mean_rho": s["mean"], "std_rho": s["std"], "median_rho": s["median"],
            "n_configs": s["n"], "n_above_095": sum(r > 0.95 for r in rhos),
            "mean_rank_diff": mean_or_none(diffs)}


def disagreements(table, configs, min_common):
    """Paper 4.5: (model, configuration) cases with |rank by metric -
    rank by MACs| >= 2, over every configuration with min_common models."""
    ranked = rank_configs(table, min_common)
    tiers = [t for t in TIERS if any(configs[c]["tier"] == t for c, *_ in ranked)]
    for c, *_ in ranked:
        if configs[c]["tier"] not in tiers:
            tiers.append(configs[c]["tier"])
    by_tier = {t: 0 for t in tiers}
    cases = []          # (model, row, promoted)
    with_case = 0
    for cid, models, r_metric, r_macs, _ in ranked:
        found = False
        for m, rm, rf in zip(models, r_metric, r_macs):
            if abs(rm - rf) >= 2:
                cases.append((m, table[cid][m], rm < rf))
                by_tier[configs[cid]["tier"]] += 1
                found = True
        with_case += found
    by_model = {}
    for m in model_order(table):
        n = sum(1 for cm, _, _ in cases if cm == m)
        if n:
            by_model[m] = n
    tests = {}
    for column in ("latency_ratio", "memory_ratio", "accuracy"):
        prom = [row[column] for _, row, p in cases if p and row[column] is not None]
        pen = [row[column] for _, row, p in cases if not p and row[column] is not None]
        t = mannwhitney(prom, pen)
        tests[column] = {"U": t["U"], "p": t["p"], "n_promoted": len(prom),
                         "n_penalised": len(pen), "mean_promoted": mean_or_none(prom),
                         "mean_penalised": mean_or_none(pen)}
    n_prom = sum(1 for _, _, p in cases if p)
    return {"n_cases": len(cases), "n_configs_with_case": with_case, "n_configs": len(ranked),
            "by_tier": by_tier, "by_model": by_model, "promoted": n_prom,
            "penalised": len(cases) - n_prom, "tests": tests}


def interactions(table, configs, baseline, alpha):
    """Paper 4.6: per model, latency ratios by tier; Mann-Whitney (first
    tier's U) or Kruskal-Wallis, Bonferroni over the tested models."""
    tested = []
    tier_cvs = {t: [] for t in TIERS}
    for m in model_order(table):
        if m == baseline:
            continue
        groups = {t: [] for t in TIERS}
        for cid, rows in table.items():
            if m in rows and configs[cid]["tier"] in groups:
                groups[configs[cid]["tier"]].append(rows[m]["latency_ratio"])
        present = [t for t in TIERS if len(groups[t]) >= 2]
        for t in present:
            tier_cvs[t].append(cv(groups[t]))
        if len(present) < 2:
            continue
        if len(present) == 2:
            r = mannwhitney(groups[present[0]], groups[present[1]])
            test, statistic, p = "mann-whitney", r["U"], r["p"]
        else:
            r = quiet(stats.kruskal, *[np.asarray(groups[t]) for t in present])
            test = "kruskal-wallis"
            statistic, p = (num(r.statistic), num(r.pvalue)) if r is not None else (None, None)
        first, last = present[0], present[-1]
        rel = abs(np.median(groups[last]) / np.median(groups[first]) - 1)
        tested.append({"model": m, "test": test, "statistic": statistic, "p": p,
                       "p_bonferroni": None, "significant": False, "rel_diff": num(rel),
                       "from": first, "to": last})
    for t in tested:
        if t["p"] is not None:
            t["p_bonferroni"] = min(1.0, t["p"] * len(tested))
            t["significant"] = t["p_bonferroni"] < alpha
    within = {t: mean_or_none([v for v in tier_cvs[t] if v is not None]) for t in TIERS}
    within["overall"] = mean_or_none([v for t in TIERS for v in tier_cvs[t] if v is not None])
    return {"n_models": len(tested),
            "n_significant": sum(t["significant"] for t in tested),
            "mean_rel_diff": mean_or_none([t["rel_diff"] for t in tested
                                           if t["rel_diff"] is not None]),
            "within_tier_cv": within, "models": tested}


def baselines(configs, names, opts, analysed):
    """Paper 6.3: the headline figures re-scored against each baseline."""
    out = []
    for b in names:
        table, _ = score(configs, b, opts.metric, opts.frm_q, analysed)
        st = stability(table, opts.metric, opts.min_common, opts.alpha, only_metric=True)
        tr = transfer(table, configs, opts.min_common, opts.alpha)
        va = variability(table, b)
        out.append({"baseline": b, "n_configs": len(table),
                    "stability_frm_mean": st[metric_kind(opts.metric)]["mean"],
                    "transfer_frm_mean": tr["overall"]["frm_mean"],
                    "variability_frm_mean_cv": va["frm"]["mean_cv"]})
    return out


# ---------------------------------------------------------------- driver

def names(text):
    return [s for s in (t.strip() for t in text.split(",")) if s]


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="analysis_reference.py",
        description="Reference (scipy) implementation of `frm analyze --format json`.")
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("--baseline", default="resnet50")
    ap.add_argument("--metric", choices=("frm", "frm_e", "frm_q"), default="frm")
    ap.add_argument("--frm-q", dest="frm_q", choices=("error-ratio", "paper"),
                    default="error-ratio")
    ap.add_argument("--min-common", dest="min_common", type=int, default=4)
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--baselines", default=DEFAULT_BASELINES)
    ap.add_argument("--models")
    ap.add_argument("--tier-of", dest="tier_of", action="append", default=[],
                    metavar="KEY=TIER")
    ap.add_argument("--section")
    ap.add_argument("--dedupe", choices=("first", "last"))
    opts = ap.parse_args(argv)
    if opts.min_common < 1:
        ap.error("--min-common must be at least 1")
    if not 0 < opts.alpha < 1:
        ap.error("--alpha must lie between 0 and 1")
    tier_of = {}
    for item in opts.tier_of:
        key, sep, tier = item.partition("=")
        if not sep or not key or not tier:
            ap.error("--tier-of expects KEY=TIER, not '%s'" % item)
        tier_of[key] = tier
    opts.tier_of = tier_of
    opts.sections = names(opts.section) if opts.section is not None else list(SECTIONS)
    for s in opts.sections:
        if s not in SECTIONS:
            ap.error("unknown section '%s' (known: %s)" % (s, ", ".join(SECTIONS)))
    opts.baseline_list = names(opts.baselines)
    return opts


def analyse(opts):
    records = read_records(opts.files, opts.dedupe)
    configs, models = group_configs(records, opts.tier_of)
    wanted = set(names(opts.models)) if opts.models is not None else set(models)
    # analysed model -> its place in the order of first appearance
    analysed = {m: i for i, m in enumerate(models) if m in wanted}
    table, skipped = score(configs, opts.baseline, opts.metric, opts.frm_q, analysed)

    out = {"schema": "frm.analysis/1", "metric": opts.metric, "baseline": opts.baseline,
           "min_common": opts.min_common, "alpha": opts.alpha,
           "dataset": {"n_configs": len(configs), "n_scored": len(table),
                       "n_models": len(models),
                       "skipped_configs": [{"config_id": c, "reason": r}
                                           for c, r in skipped]}}
    want = set(opts.sections)
    if "stability" in want:
        out["stability"] = stability(table, opts.metric, opts.min_common, opts.alpha)
    if "variability" in want:
        out["variability"] = variability(table, opts.baseline)
    if "frameworks" in want:
        out["frameworks"] = frameworks(table, configs, opts.min_common, opts.alpha)
    if "transfer" in want:
        out["transfer"] = transfer(table, configs, opts.min_common, opts.alpha)
    if "flops" in want:
        out["flops"] = flops(table, opts.min_common)
    if "disagreements" in want:
        out["disagreements"] = disagreements(table, configs, opts.min_common)
    if "interactions" in want:
        out["interactions"] = interactions(table, configs, opts.baseline, opts.alpha)
    if "baselines" in want:
        out["baselines"] = baselines(configs, opts.baseline_list, opts, analysed)
    return out


def main(argv):
    opts = parse_args(argv)
    try:
        out = analyse(opts)
    except (OSError, InputError) as e:
        print("analysis_reference.py: %s" % e, file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, indent=2, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
