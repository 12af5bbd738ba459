/*
 * stats/mannwhitney.c - the Mann-Whitney U test, two-sided, with the
 * choice between the exact and the normal p-value that
 * scipy.stats.mannwhitneyu makes for method='auto' (scipy 1.10): exact
 * unless both samples have more than 8 values or any value is repeated.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "frm/stats.h"
#include "stats/ties.h"

/* Where scipy switches to the normal approximation with both samples larger. */
#define EXACT_MAX_SMALLER 8

/*
 * P(U <= k) for samples of m and n values without ties.  The number of
 * orderings with U = j is the coefficient of q^j in the Gaussian binomial
 * [m + n, m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i).  Built one
 * factor i at a time, truncated beyond q^k, it stays a polynomial with
 * integer coefficients ([n + i, i]_q), exact in doubles while the counts
 * are below 2^53 and only m passes of O(k) each; m is the smaller sample.
 */
static frm_code lower_tail(size_t m, size_t n, uint64_t k, double *cdf)
{
    double *c = calloc(k + 1, sizeof *c);
    if (!c)
        return FRM_E_NOMEM;
    c[0] = 1.0;
    double orderings = 1.0;                  /* C(n + i, i) */
    for (uint64_t i = 1; i <= m; i++) {
        uint64_t shift = n + i;
        for (uint64_t j = k; j >= shift; j--)    /* times (1 - q^shift) */
            c[j] -= c[j - shift];
        for (uint64_t j = i; j <= k; j++)        /* over (1 - q^i) */
            c[j] += c[j - i];
        orderings = orderings * (double)(n + i) / (double)i;
    }
    double count = 0.0;
    for (uint64_t j = 0; j <= k; j++)
        count += c[j];
    free(c);
    *cdf = count / orderings;
    return FRM_OK;
}

frm_code frm_mann_whitney_u(const double *x, size_t nx, const double *y, size_t ny, double *u,
                            double *p)
{
    if (!x || !y || !u || !p || nx == 0 || ny == 0 || frmi_any_nan(x, nx) ||
        frmi_any_nan(y, ny))
        return FRM_E_ARGUMENT;
    size_t n = nx + ny;
    const double *groups[2] = {x, y};
    size_t sizes[2] = {nx, ny};
    double *ranks, tie_term;
    frm_code rc = frmi_rank_pooled(groups, sizes, 2, &ranks, &tie_term);
    if (rc != FRM_OK)
        return rc;
    double r1 = 0.0;
    for (size_t i = 0; i < nx; i++)
        r1 += ranks[i];
    free(ranks);

    double dx = (double)nx, dy = (double)ny, dn = (double)n;
    double u1 = r1 - dx * (dx + 1.0) / 2.0;
    double u2 = dx * dy - u1;
    double big = fmax(u1, u2);
    double pvalue;
    if ((nx <= EXACT_MAX_SMALLER || ny <= EXACT_MAX_SMALLER) && tie_term == 0.0) {
        /* Without ties U is an integer; by symmetry P(U' >= big) = P(U' <= small). */
        double cdf;
        size_t m = nx < ny ? nx : ny, other = nx < ny ? ny : nx;
        rc = lower_tail(m, other, (uint64_t)fmin(u1, u2), &cdf);
        if (rc != FRM_OK)
            return rc;
        pvalue = fmin(1.0, 2.0 * cdf);
    } else {
        double s = sqrt(dx * dy / 12.0 * ((dn + 1.0) - tie_term / (dn * (dn - 1.0))));
        /* s = 0 only when every value is equal: U sits at its mean and
         * scipy's z is -inf, p = 1. */
        if (s == 0.0)
            pvalue = 1.0;
        else
            pvalue = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q((big - dx * dy / 2.0 - 0.5) / s));
    }
    *u = u1;
    *p = pvalue;
    return FRM_OK;
}
