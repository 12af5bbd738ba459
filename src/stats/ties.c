/*
 * stats/ties.c - ordering and tie counting shared by the rank statistics.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frm/stats.h"
#include "stats/ties.h"

int frmi_ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int frmi_any_nan(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return 1;
    return 0;
}

frm_code frmi_tie_term(const double *x, size_t n, double *term)
{
    *term = 0.0;
    if (n < 2)
        return FRM_OK;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return FRM_E_NOMEM;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, frmi_ascending);
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && s[end] == s[start])
            end++;
        double t = (double)(end - start);
        *term += t * (t * t - 1.0);
        start = end;
    }
    free(s);
    return FRM_OK;
}

frm_code frmi_rank_pooled(const double *const *groups, const size_t *sizes, size_t k,
                          double **ranks, double *term)
{
    size_t n = 0;
    for (size_t g = 0; g < k; g++) {
        if (sizes[g] > SIZE_MAX / (2 * sizeof(double)) - n)
            return FRM_E_NOMEM;
        n += sizes[g];
    }
    double *pooled = malloc(2 * n * sizeof *pooled);
    if (!pooled)
        return FRM_E_NOMEM;
    for (size_t g = 0, at = 0; g < k; at += sizes[g], g++)
        memcpy(pooled + at, groups[g], sizes[g] * sizeof *pooled);
    frm_code rc = frm_rank_average(pooled, n, pooled + n);
    if (rc == FRM_OK)
        rc = frmi_tie_term(pooled, n, term);
    if (rc != FRM_OK) {
        free(pooled);
        return rc;
    }
    /* The ranks move to the front, so the caller frees one block. */
    memmove(pooled, pooled + n, n * sizeof *pooled);
    *ranks = pooled;
    return FRM_OK;
}
