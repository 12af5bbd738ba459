/*
 * stats/kruskal.c - the Kruskal-Wallis H test with scipy.stats.kruskal's
 * tie correction and chi-square p-value.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "frm/stats.h"
#include "stats/ties.h"

frm_code frm_kruskal_wallis(const double *const *groups, const size_t *sizes, size_t k,
                            double *h, double *p)
{
    if (!groups || !sizes || !h || !p || k < 2)
        return FRM_E_ARGUMENT;
    size_t n = 0;
    for (size_t g = 0; g < k; g++) {
        if (!groups[g] || sizes[g] == 0 || frmi_any_nan(groups[g], sizes[g]))
            return FRM_E_ARGUMENT;
        if (sizes[g] > SIZE_MAX / (2 * sizeof(double)) - n)
            return FRM_E_NOMEM;
        n += sizes[g];
    }
    double *pooled = malloc(2 * n * sizeof *pooled);
    if (!pooled)
        return FRM_E_NOMEM;
    double *ranks = pooled + n;
    for (size_t g = 0, at = 0; g < k; at += sizes[g], g++)
        memcpy(pooled + at, groups[g], sizes[g] * sizeof *pooled);
    double tie_term;
    frm_code rc = frm_rank_average(pooled, n, ranks);
    if (rc == FRM_OK)
        rc = frmi_tie_term(pooled, n, &tie_term);
    if (rc != FRM_OK) {
        free(pooled);
        return rc;
    }
    double ss = 0.0;               /* sum over groups of R_g^2 / n_g */
    for (size_t g = 0, at = 0; g < k; at += sizes[g], g++) {
        double r = 0.0;
        for (size_t i = 0; i < sizes[g]; i++)
            r += ranks[at + i];
        ss += r * r / (double)sizes[g];
    }
    free(pooled);
    double dn = (double)n;
    double correction = 1.0 - tie_term / (dn * dn * dn - dn);
    if (correction == 0.0)
        return FRM_E_ARGUMENT;     /* all values equal: scipy raises */
    double stat = (12.0 / (dn * (dn + 1.0)) * ss - 3.0 * (dn + 1.0)) / correction;
    *h = stat;
    *p = gsl_cdf_chisq_Q(stat, (double)(k - 1));
    return FRM_OK;
}
