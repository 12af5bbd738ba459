/*
 * stats/wilcoxon.c - the Wilcoxon signed-rank test, two-sided, following
 * scipy.stats.wilcoxon 1.10 with its defaults (zero_method 'wilcox',
 * no continuity correction, method 'auto'), quirks included: see
 * frm_wilcoxon_signed_rank in frm/stats.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "frm/stats.h"
#include "stats/ties.h"

/* scipy 1.10's 'auto': exact up to this many differences, zeros included. */
#define EXACT_MAX_N 50

/*
 * scipy's exact two-sided p-value for the positive rank sum w of n
 * differences.  The number of sign patterns with W+ = j is the
 * coefficient of q^j in prod_{i=1..n} (1 + q^i); for n <= 50 every count
 * is below 2^50, so the doubles hold them exactly and the division by 2^n
 * is exact too.
 */
static frm_code exact_p(size_t n, double w, double *p)
{
    size_t top = n * (n + 1) / 2;
    double *count = calloc(top + 1, sizeof *count);
    if (!count)
        return FRM_E_NOMEM;
    count[0] = 1.0;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = i * (i + 1) / 2; j >= i; j--)
            count[j] += count[j - i];
    /* Ties can make W+ a half-integer; scipy truncates it, so do we. */
    size_t at = (size_t)w;
    if (at == top / 2) {
        *p = 1.0;                  /* scipy's value at the centre */
    } else {
        double below = 0.0, above = 0.0;
        for (size_t j = 0; j <= at; j++)
            below += count[j];
        for (size_t j = at; j <= top; j++)
            above += count[j];
        *p = fmin(1.0, 2.0 * ldexp(fmin(below, above), -(int)n));
    }
    free(count);
    return FRM_OK;
}

frm_code frm_wilcoxon_signed_rank(const double *x, const double *y, size_t n,
                                  double *statistic, double *p)
{
    if (!x || !statistic || !p || n == 0)
        return FRM_E_ARGUMENT;
    if (n > SIZE_MAX / (3 * sizeof(double)))
        return FRM_E_NOMEM;
    double *d = malloc(3 * n * sizeof *d);
    if (!d)
        return FRM_E_NOMEM;
    double *magnitude = d + n, *ranks = d + 2 * n;
    size_t m = 0;                  /* the nonzero differences, kept in d[0..m) */
    frm_code rc = FRM_OK;
    for (size_t i = 0; i < n && rc == FRM_OK; i++) {
        double di = y ? x[i] - y[i] : x[i];
        if (isnan(di)) {           /* NaN in x or y, or inf - inf */
            rc = FRM_E_ARGUMENT;
        } else if (di != 0.0) {
            magnitude[m] = fabs(di);
            d[m++] = di;
        }
    }
    if (rc == FRM_OK && m == 0)
        rc = FRM_E_ARGUMENT;       /* all zero: scipy raises */
    if (rc == FRM_OK)
        rc = frm_rank_average(magnitude, m, ranks);
    if (rc != FRM_OK) {
        free(d);
        return rc;
    }
    double plus = 0.0, minus = 0.0;
    for (size_t i = 0; i < m; i++) {
        if (d[i] > 0)
            plus += ranks[i];
        else
            minus += ranks[i];
    }
    double t = fmin(plus, minus);
    double pvalue;
    if (n <= EXACT_MAX_N && m == n) {
        rc = exact_p(m, plus, &pvalue);
    } else {
        /* Zeros (or n > 50) mean the normal approximation on the nonzero m. */
        double tie_term;
        rc = frmi_tie_term(magnitude, m, &tie_term);
        if (rc == FRM_OK) {
            double dm = (double)m;
            double mean = dm * (dm + 1.0) / 4.0;
            double se = sqrt((dm * (dm + 1.0) * (2.0 * dm + 1.0) - 0.5 * tie_term) / 24.0);
            pvalue = 2.0 * gsl_cdf_ugaussian_Q(fabs(t - mean) / se);
        }
    }
    free(d);
    if (rc != FRM_OK)
        return rc;
    *statistic = t;
    *p = pvalue;
    return FRM_OK;
}
