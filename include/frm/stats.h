/*
 * frm/stats.h - ranks and descriptive statistics.
 *
 * Pure functions: no I/O, no global state.  Conventions follow
 * scipy.stats so results can be checked against it.
 */
#ifndef FRM_STATS_H
#define FRM_STATS_H

#include <stddef.h>

#include "frm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Ranks `x[0..n)` in ascending order into `ranks` (1 = smallest), ties
 * getting the mean of the ranks they span (scipy.stats.rankdata's
 * "average").  NaN values are not allowed.  `ranks` is caller-owned and
 * may not alias `x`.  Returns FRM_E_NOMEM or FRM_E_ARGUMENT on failure.
 */
frm_code frm_rank_average(const double *x, size_t n, double *ranks);

/*
 * Descriptive statistics of a sample, as hyperfine and the paper report
 * latency.  Quantiles interpolate linearly between order statistics
 * (numpy.percentile's default, R's type 7); the median of an even sample is
 * the mean of the middle two.  `stdev` is the sample standard deviation
 * (n - 1 in the denominator; 0 for n = 1).
 *
 * `ci_lo`, `ci_hi` are the distribution-free confidence interval of the
 * median from order statistics: with B ~ Binomial(n, 1/2), the largest j
 * with P(B <= j - 1) <= (1 - level) / 2 gives [x(j), x(n - j + 1)], whose
 * coverage is at least `level`.  Samples too small for any such j (n < 6
 * at 95%) get [min, max] and `ci_exact` 0.
 */
typedef struct frm_summary {
    size_t n;
    double mean, stdev, min, max;
    double median, p90, p95, p99;
    double ci_lo, ci_hi;
    double ci_coverage;        /* the interval's actual coverage probability */
    int ci_exact;              /* 1: coverage >= level; 0: [min, max] fallback */
} frm_summary;

/*
 * Summarises `x[0..n)` (n >= 1, no NaN) at confidence `level` (0.5 < level
 * < 1, e.g. 0.95).  `x` is not modified.  FRM_E_ARGUMENT on bad input,
 * FRM_E_NOMEM when the sorted copy cannot be allocated.
 */
frm_code frm_summarize(const double *x, size_t n, double level, frm_summary *out);

/* Quantile q in [0, 1] of an ascending `sorted[0..n)`, n >= 1 (type 7). */
double frm_quantile_sorted(const double *sorted, size_t n, double q);

/*
 * 1-based ranks [*j, n - *j + 1] of the median's confidence interval for
 * a sample of n at `level`, as above; *j is 0 when n is too small.  Also
 * returns the coverage of that interval (1 - 2 P(B <= j - 1)).
 */
double frm_median_ci_rank(size_t n, double level, size_t *j);

#ifdef __cplusplus
}
#endif

#endif
