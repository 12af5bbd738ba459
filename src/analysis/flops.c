/*
 * analysis/flops.c - paper 4.4: how much of the metric's ranking MACs
 * alone already give, per configuration.
 */
#include <math.h>
#include <stdlib.h>

#include "analysis/analysis.h"
#include "frm/stats.h"

frm_code frmi_flops_run(const frmi_table *t, size_t min_common, frmi_flops *out)
{
    size_t nm = t->n_models ? t->n_models : 1, nc = t->n_configs ? t->n_configs : 1;
    double *buf = malloc((6 * nm + 2 * nc) * sizeof *buf);
    if (!buf)
        return FRM_E_NOMEM;
    double *metric_rank = buf, *macs_rank = buf + nm, *scratch = buf + 2 * nm;
    double *x = buf + 4 * nm, *y = buf + 5 * nm;
    double *rhos = buf + 6 * nm, *diffs = rhos + nc;
    size_t n_rho = 0, n_diff = 0;
    out->n_above_095 = 0;
    frm_code rc = FRM_OK;
    for (size_t c = 0; c < t->n_configs && rc == FRM_OK; c++) {
        size_t n, n_macs;
        if ((rc = frmi_table_rank_row(t, FRMI_METRIC, c, metric_rank, scratch, &n)) != FRM_OK ||
            (rc = frmi_table_rank_row(t, FRMI_MACS, c, macs_rank, scratch, &n_macs)) != FRM_OK)
            break;
        if (n < min_common)
            continue;
        double diff = 0.0;
        size_t k = 0;
        for (size_t m = 0; m < t->n_models; m++)
            if (!isnan(metric_rank[m])) {
                diff += fabs(metric_rank[m] - macs_rank[m]);
                x[k] = frmi_cell(t, FRMI_METRIC, c, m);
                y[k++] = frmi_cell(t, FRMI_MACS, c, m);
            }
        double rho, p;
        if ((rc = frm_rank_spearman(x, y, k, &rho, &p)) != FRM_OK)
            break;
        if (isnan(rho))
            continue;
        diffs[n_diff++] = diff / (double)k;
        rhos[n_rho++] = rho;
        out->n_above_095 += rho > 0.95;
    }
    if (rc == FRM_OK) {
        out->n_configs = n_rho;
        frmi_describe_values(rhos, n_rho, &out->mean_rho, &out->std_rho, &out->median_rho);
        double std, median;
        frmi_describe_values(diffs, n_diff, &out->mean_rank_diff, &std, &median);
    }
    free(buf);
    return rc == FRM_OK ? FRM_OK : FRM_E_NOMEM;
}
