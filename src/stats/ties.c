/*
 * stats/ties.c - ordering and tie counting shared by the rank statistics.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
