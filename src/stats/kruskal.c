/*
 * stats/kruskal.c - the Kruskal-Wallis H test with scipy.stats.kruskal's
 * tie correction and chi-square p-value.
 */
#include <math.h>
#include <stdlib.h>

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
        n += sizes[g];
    }
    double *ranks, tie_term;
    frm_code rc = frmi_rank_pooled(groups, sizes, k, &ranks, &tie_term);
    if (rc != FRM_OK)
        return rc;
    double ss = 0.0;               /* sum over groups of R_g^2 / n_g */
    for (size_t g = 0, at = 0; g < k; at += sizes[g], g++) {
        double r = 0.0;
        for (size_t i = 0; i < sizes[g]; i++)
            r += ranks[at + i];
        ss += r * r / (double)sizes[g];
    }
    free(ranks);
    double dn = (double)n;
    double correction = 1.0 - tie_term / (dn * dn * dn - dn);
    if (correction == 0.0)
        return FRM_E_ARGUMENT;     /* all values equal: scipy raises */
    double stat = (12.0 / (dn * (dn + 1.0)) * ss - 3.0 * (dn + 1.0)) / correction;
    *h = stat;
    *p = gsl_cdf_chisq_Q(stat, (double)(k - 1));
    return FRM_OK;
}
