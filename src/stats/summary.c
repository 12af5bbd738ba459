/*
 * stats/summary.c - descriptive statistics and the median's confidence
 * interval from order statistics.
 *
 * The interval needs no assumption about the latency distribution, which
 * is skewed and often multi-modal (frequency scaling, other processes), so
 * a normal-theory interval would be wrong exactly where it matters.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "frm/stats.h"
#include "stats/ties.h"

double frm_quantile_sorted(const double *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

double frm_median_ci_rank(size_t n, double level, size_t *j)
{
    double tail = (1.0 - level) / 2.0;
    /* P(B <= k) grows with k: binary search the largest k = j - 1 whose
     * tail is small enough, among 0 .. (n - 1) / 2. */
    size_t lo = 0, hi = n > 0 ? (n + 1) / 2 : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (gsl_cdf_binomial_P((unsigned)(mid - 1), 0.5, (unsigned)n) <= tail)
            lo = mid;
        else
            hi = mid - 1;
    }
    *j = lo;
    if (lo == 0)
        return 1.0 - 2.0 * pow(0.5, (double)n);
    return 1.0 - 2.0 * gsl_cdf_binomial_P((unsigned)(lo - 1), 0.5, (unsigned)n);
}

frm_code frm_summarize(const double *x, size_t n, double level, frm_summary *out)
{
    if (!x || !out || n == 0 || n > UINT32_MAX || !(level > 0.5 && level < 1.0))
        return FRM_E_ARGUMENT;
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return FRM_E_ARGUMENT;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return FRM_E_NOMEM;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, frmi_ascending);

    memset(out, 0, sizeof *out);
    out->n = n;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += s[i];
    out->mean = sum / (double)n;
    /* Two passes: the squared deviations from the mean, not the difference
     * of large sums, so that tiny spreads around a large value survive. */
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (s[i] - out->mean) * (s[i] - out->mean);
    out->stdev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = frm_quantile_sorted(s, n, 0.5);
    out->p90 = frm_quantile_sorted(s, n, 0.90);
    out->p95 = frm_quantile_sorted(s, n, 0.95);
    out->p99 = frm_quantile_sorted(s, n, 0.99);

    size_t j;
    out->ci_coverage = frm_median_ci_rank(n, level, &j);
    out->ci_exact = j > 0;
    out->ci_lo = j > 0 ? s[j - 1] : s[0];
    out->ci_hi = j > 0 ? s[n - j] : s[n - 1];
    free(s);
    return FRM_OK;
}
