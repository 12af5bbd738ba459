/*
 * analysis/summary.c - the few ways every section condenses its numbers.
 */
#include <math.h>
#include <stdlib.h>

#include "analysis/analysis.h"
#include "frm/stats.h"
#include "stats/sort.h"

void frmi_describe_values(double *x, size_t n, double *mean, double *std, double *median)
{
    *mean = *std = *median = NAN;
    if (n == 0)
        return;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    double m = sum / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    frmi_sort_ascending(x, n);
    *mean = m;
    *std = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    *median = frm_quantile_sorted(x, n, 0.5);
}

void frmi_rho_summarize(double *rhos, const double *ps, size_t n, double alpha,
                        frmi_rho_summary *out)
{
    out->n = n;
    out->n_significant = 0;
    for (size_t i = 0; i < n; i++)
        if (ps[i] < alpha)
            out->n_significant++;
    frmi_describe_values(rhos, n, &out->mean, &out->std, &out->median);
}

frmi_test frmi_mann_whitney(const double *x, size_t nx, const double *y, size_t ny)
{
    frmi_test t = {NAN, NAN};
    if (nx == 0 || ny == 0 || frm_mann_whitney_u(x, nx, y, ny, &t.statistic, &t.p) != FRM_OK)
        return (frmi_test){NAN, NAN};
    return t;
}

frm_code frmi_mann_whitney_rhos(const double *x, size_t nx, const double *y, size_t ny,
                                frmi_test *out)
{
    double *copy = malloc((nx + ny ? nx + ny : 1) * sizeof *copy);
    if (!copy)
        return FRM_E_NOMEM;
    for (size_t i = 0; i < nx; i++)
        copy[i] = rint(x[i] * 1e12) / 1e12;
    for (size_t i = 0; i < ny; i++)
        copy[nx + i] = rint(y[i] * 1e12) / 1e12;
    *out = frmi_mann_whitney(copy, nx, copy + nx, ny);
    free(copy);
    return FRM_OK;
}
