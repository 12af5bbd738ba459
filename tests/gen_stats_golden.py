#!/usr/bin/python3
"""Golden values for tests/test_stats.c, computed by scipy.

Rerun from the repository root with Debian 12's interpreter, which has
numpy and scipy 1.10.1 (the `python3` first on PATH may lack scipy):

    /usr/bin/python3 tests/gen_stats_golden.py

It prints nothing and rewrites tests/data/stats_golden.json; commit that
file.  The data are deterministic (fixed numpy seeds, values rounded to
make ties), so a rerun with the same numpy and scipy gives the same file.

Each function's cases sit under its name.  Every case has the inputs and
the expected outputs.  JSON has no NaN or infinities, so those are the
strings "nan", "inf" and "-inf", in inputs and outputs alike.  No case
mixes +inf and -inf: scipy 1.10 looks for NaN by summing the data, takes
such input for NaN and returns nan, where frm ranks infinities as the
ordinary values they are.  "branch" records which p-value scipy's
method='auto' took, so that a reader sees what a case covers; the
generator asserts that the cases cover every branch.

statsmodels is not installed beside Debian's scipy, so the Bonferroni and
Holm values come from multipletests' two formulas written out below.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "stats_golden.json")


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def nums(a):
    return [num(v) for v in np.asarray(a, dtype=float).ravel()]


def sample(seed, n, decimals=3, loc=0.0, scale=1.0):
    """n normal values, rounded: fewer decimals, more ties."""
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(loc, scale, n), decimals)


def distinct(seed, n):
    """n values without ties, in random order."""
    rng = np.random.default_rng(seed)
    return rng.permutation(n).astype(float) + 0.5


# ---- correlations ------------------------------------------------------

def spearman_cases():
    rng = np.random.default_rng(101)
    x60 = sample(102, 60, 2)
    cases = [
        ("n2_increasing", [1.0, 2.0], [3.0, 5.0]),
        ("n2_decreasing", [1.0, 2.0], [5.0, 3.0]),
        ("n3_perfect", [1.0, 2.0, 3.0], [0.1, 0.2, 0.7]),
        ("n10_monotone_cubic", np.arange(10.0), np.arange(10.0) ** 3),
        ("n10_anti", np.arange(10.0), -np.arange(10.0) * 2.5),
        ("n4_both_tied", [1.0, 1.0, 2.0, 3.0], [2.0, 1.0, 1.0, 4.0]),
        ("n5_random", sample(103, 5), sample(104, 5)),
        ("n12_ties", sample(105, 12, 0, scale=2), sample(106, 12, 0, scale=2)),
        ("n20_random", sample(107, 20), sample(108, 20)),
        ("n30_heavy_ties", rng.integers(0, 4, 30), rng.integers(0, 3, 30)),
        ("n60_noisy_linear", x60, np.round(x60 + sample(109, 60, 2, scale=0.5), 2)),
        ("n60_ties", sample(110, 60, 0, scale=3), sample(111, 60, 0, scale=3)),
        ("n40_independent", sample(112, 40), sample(113, 40)),
        ("constant_x", [2.0] * 6, [1.0, 3.0, 2.0, 5.0, 4.0, 6.0]),
        ("constant_y", [1.0, 3.0, 2.0, 5.0], [7.0] * 4),
        ("with_infinity", [-3.0, 0.5, 1.0, math.inf, 2.0], [1.0, 2.0, 4.0, 3.0, 5.0]),
    ]
    out = []
    for name, x, y in cases:
        r = stats.spearmanr(x, y)
        out.append({"name": name, "x": nums(x), "y": nums(y),
                    "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    return out


def kendall_branch(x, y):
    """scipy 1.10 kendalltau's method='auto' rule, to label the cases."""
    x, y = np.asarray(x), np.asarray(y)
    n = len(x)
    if len(np.unique(x)) < n or len(np.unique(y)) < n:
        return "asymptotic"
    dis = sum(1 for i in range(n) for j in range(i + 1, n)
              if (x[i] - x[j]) * (y[i] - y[j]) < 0)
    tot = n * (n - 1) // 2
    return "exact" if n <= 33 or min(dis, tot - dis) <= 1 else "asymptotic"


def kendall_cases():
    rng = np.random.default_rng(201)
    one_swap = np.arange(40.0)
    one_swap[[17, 18]] = one_swap[[18, 17]]
    two_swaps = one_swap.copy()
    two_swaps[[3, 4]] = two_swaps[[4, 3]]
    cases = [
        ("n2_increasing", [1.0, 2.0], [1.0, 2.0]),
        ("n2_decreasing", [1.0, 2.0], [2.0, 1.0]),
        ("n3_perfect", [1.0, 2.0, 3.0], [1.0, 5.0, 9.0]),
        ("n4_centre", [1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 1.0]),
        ("n10_perfect", np.arange(10.0), np.exp(np.arange(10.0))),
        ("n10_anti", np.arange(10.0), -np.arange(10.0)),
        ("n8_random", distinct(202, 8), distinct(203, 8)),
        ("n20_random", distinct(204, 20), distinct(205, 20)),
        ("n33_random", distinct(206, 33), distinct(207, 33)),
        ("n34_random", distinct(208, 34), distinct(209, 34)),
        ("n40_one_swap", np.arange(40.0), one_swap),
        ("n40_reversed", np.arange(40.0), -np.arange(40.0)),
        ("n40_two_swaps", np.arange(40.0), two_swaps),
        ("n3_x_tied", [1.0, 1.0, 2.0], [1.0, 2.0, 3.0]),
        ("n12_x_ties", sample(210, 12, 0, scale=2), distinct(211, 12)),
        ("n20_both_ties", sample(212, 20, 0, scale=2), sample(213, 20, 0, scale=2)),
        ("n60_heavy_ties", rng.integers(0, 4, 60), rng.integers(0, 5, 60)),
        ("n60_correlated_ties", np.repeat(np.arange(12.0), 5),
         np.round(np.repeat(np.arange(12.0), 5) + sample(214, 60, 1, scale=2))),
        ("constant_x", [3.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0]),
        ("constant_y", [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]),
    ]
    out = []
    for name, x, y in cases:
        r = stats.kendalltau(x, y)
        out.append({"name": name, "x": nums(x), "y": nums(y), "branch": kendall_branch(x, y),
                    "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    return out


# ---- rank tests --------------------------------------------------------

def mwu_branch(x, y):
    """scipy 1.10 mannwhitneyu's method='auto' rule, to label the cases."""
    xy = np.concatenate([x, y])
    if len(x) > 8 and len(y) > 8:
        return "asymptotic"
    return "asymptotic" if len(np.unique(xy)) < len(xy) else "exact"


def mannwhitney_cases():
    d = distinct(301, 80)
    cases = [
        ("textbook_5_4", [19.0, 22.0, 16.0, 29.0, 24.0], [20.0, 11.0, 17.0, 12.0]),
        ("n1_1", [1.0], [2.0]),
        ("n1_1_tied", [1.0], [1.0]),
        ("n4_4_centre", [1.0, 4.0, 5.0, 8.0], [2.0, 3.0, 6.0, 7.0]),
        ("n7_7_separated", np.arange(7.0), np.arange(7.0) + 10),
        ("n8_20", d[:8], d[8:28]),
        ("n8_9", d[28:36], d[36:45]),
        ("n9_9", d[45:54], d[54:63]),
        ("n3_60", d[:3], d[3:63]),
        ("n60_2_shifted", d[:60] + 30.25, d[60:62]),
        ("n6_7_ties", sample(302, 6, 0, scale=2), sample(303, 7, 0, scale=2)),
        ("n30_45_ties", sample(304, 30, 1), sample(305, 45, 1, loc=0.4)),
        ("n20_25_separated", np.arange(20.0), np.arange(25.0) + 100),
        ("n2_3_identical", [4.0, 4.0], [4.0, 4.0, 4.0]),
        ("n5_6_infinity", [-3.0, 1.0, 2.0, 3.5, 9.0], [0.5, 2.5, 4.0, 5.0, 7.0, math.inf]),
    ]
    out = []
    for name, x, y in cases:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        r = stats.mannwhitneyu(x, y)
        out.append({"name": name, "x": nums(x), "y": nums(y), "branch": mwu_branch(x, y),
                    "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    return out


def wilcoxon_branch(d):
    """scipy 1.10 wilcoxon's method='auto' rule, to label the cases."""
    return "exact" if len(d) <= 50 and np.all(d != 0) else "asymptotic"


def wilcoxon_cases():
    paired_x = sample(401, 15, 2, loc=10)
    paired_y = np.round(paired_x + sample(402, 15, 2, loc=0.6), 2)
    mostly_equal = sample(403, 12, 2)
    mostly_equal_y = mostly_equal.copy()
    mostly_equal_y[[2, 7, 9]] += [0.5, -0.25, 1.0]
    cases = [
        ("n1", [3.0], None),
        ("n5_all_positive", [1.0, 2.0, 3.0, 4.0, 5.0], None),
        ("n6_mixed", [1.5, -0.2, 3.1, 4.0, -2.2, 0.7], None),
        ("n4_tied_truncated", [1.0, -1.0, 2.0, 3.0], None),
        ("n4_centre", [1.0, -2.0, -3.0, 4.0], None),
        ("n8_ties_exact", sample(404, 8, 0, scale=3, loc=1) + 0.5, None),
        ("n3_one_zero", [0.0, 1.0, 2.0], None),
        ("n10_zeros", [0.0, 1.0, -2.0, 3.0, 0.0, 4.0, 5.0, -1.0, 2.0, 6.0], None),
        ("n20_random", sample(405, 20, 3, loc=0.3), None),
        ("n50_random", sample(406, 50, 3, loc=0.2), None),
        ("n51_random", sample(407, 51, 3, loc=0.2), None),
        ("n52_all_positive", np.arange(1.0, 53.0), None),
        ("n60_ties_zeros", sample(408, 60, 0, scale=2, loc=0.3), None),
        ("paired_n15", paired_x, paired_y),
        ("paired_mostly_equal", mostly_equal, mostly_equal_y),
        ("paired_n30_ties", sample(409, 30, 1), sample(410, 30, 1)),
    ]
    out = []
    for name, x, y in cases:
        x = np.asarray(x, dtype=float)
        if y is None:
            r, d = stats.wilcoxon(x), x
        else:
            y = np.asarray(y, dtype=float)
            r, d = stats.wilcoxon(x, y), x - y
        out.append({"name": name, "x": nums(x), "y": None if y is None else nums(y),
                    "branch": wilcoxon_branch(d),
                    "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    return out


def kruskal_cases():
    rng = np.random.default_rng(501)
    cases = [
        ("k2", [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0, 8.0]]),
        ("k3_small", [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]),
        ("k3_singletons", [[1.0], [3.0], [2.0]]),
        ("k3_ties", [list(sample(502, 6, 0, scale=2)), list(sample(503, 8, 0, scale=2)),
                     list(sample(504, 5, 0, scale=2))]),
        ("k4_unequal_ties", [list(sample(505, 3, 1)), list(sample(506, 7, 1, loc=0.5)),
                             list(sample(507, 12, 1)), list(sample(508, 5, 1, loc=-0.5))]),
        ("k5_sizes_1_to_31", [list(sample(509 + i, s, 2, loc=0.2 * i))
                              for i, s in enumerate([1, 4, 9, 15, 31])]),
        ("k3_heavy_ties", [list(rng.integers(0, 3, 10)), list(rng.integers(0, 3, 12)),
                           list(rng.integers(1, 3, 9))]),
        ("k4_same_distribution", [list(sample(520 + i, 15, 3)) for i in range(4)]),
        ("k3_separated", [list(np.arange(20.0)), list(np.arange(20.0) + 50),
                          list(np.arange(20.0) + 100)]),
        ("k2_equal_rank_sums", [[1.0, 4.0], [2.0, 3.0]]),
    ]
    out = []
    for name, groups in cases:
        r = stats.kruskal(*groups)
        out.append({"name": name, "groups": [nums(g) for g in groups],
                    "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    return out


# ---- multiple testing --------------------------------------------------

def bonferroni(p):
    p = np.asarray(p, dtype=float)
    return np.minimum(p * len(p), 1.0)


def holm(p):
    """multipletests(method='holm'): step-down on the sorted p-values."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def adjust_cases():
    rng = np.random.default_rng(601)
    cases = [
        ("single", [0.03]),
        ("sorted", [0.001, 0.01, 0.02, 0.04, 0.3]),
        ("unsorted_ties", [0.04, 0.01, 0.04, 0.2, 0.01, 0.5]),
        ("zeros_and_ones", [0.0, 1.0, 0.0, 0.5, 1.0]),
        ("all_large", [0.3, 0.6, 0.9, 0.45]),
        ("running_maximum", [0.012, 0.01, 0.5, 0.011]),
        ("random_20", np.round(rng.uniform(0, 0.2, 20), 4)),
    ]
    return [{"name": name, "p": nums(p), "bonferroni": nums(bonferroni(p)),
             "holm": nums(holm(p))} for name, p in cases]


# ---- description -------------------------------------------------------

def describe_cases():
    cases = [
        ("n1", [4.25]),
        ("n2", [1.0, 4.0]),
        ("n7_ties", [3.1, 0.5, 7.25, 7.25, 2.0, 9.5, 1.0]),
        ("n10", np.arange(1.0, 11.0)),
        ("negative_mean", [-3.0, -1.5, -2.25, -8.0, 0.5]),
        ("zero_mean", [-1.0, 0.0, 1.0]),
        ("all_zero", [0.0, 0.0, 0.0, 0.0]),
        ("large_offset", [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 7]),
        ("n60_random", sample(701, 60, 3, loc=5.0, scale=2.0)),
    ]
    out = []
    for name, x in cases:
        x = np.asarray(x, dtype=float)
        out.append({"name": name, "x": nums(x), "mean": num(np.mean(x)),
                    "std": num(np.std(x, ddof=1)), "median": num(np.median(x)),
                    "cv": num(stats.variation(x, ddof=1))})
    return out


def check_coverage(doc):
    for fn in ("kendall_tau_b", "mann_whitney_u", "wilcoxon_signed_rank"):
        branches = {c["branch"] for c in doc[fn]}
        assert branches == {"exact", "asymptotic"}, (fn, branches)


def main():
    warnings.simplefilter("ignore")          # constant input, zeros, small samples
    np.seterr(all="ignore")
    doc = {
        "generator": "tests/gen_stats_golden.py",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "spearman": spearman_cases(),
        "kendall_tau_b": kendall_cases(),
        "mann_whitney_u": mannwhitney_cases(),
        "wilcoxon_signed_rank": wilcoxon_cases(),
        "kruskal_wallis": kruskal_cases(),
        "p_adjust": adjust_cases(),
        "describe": describe_cases(),
    }
    check_coverage(doc)
    # One case a line: diffs of a regenerated file stay readable.
    lines = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        sep = "," if i + 1 < len(keys) else ""
        value = doc[key]
        if isinstance(value, list):
            body = ",\n".join("  " + json.dumps(c, allow_nan=False) for c in value)
            lines.append(f"{json.dumps(key)}: [\n{body}\n]{sep}")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}{sep}")
    lines.append("}")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
