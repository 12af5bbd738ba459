/*
 * analysis/disagreements.c - paper 4.5: the (model, configuration) cases
 * where the metric and MACs rank a model at least two places apart, and
 * what sets the models the metric promotes apart from those it penalises.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

const char *const frmi_disagreement_test_names[FRMI_N_DIS_TESTS] = {
    "latency_ratio", "memory_ratio", "accuracy",
};

static const frmi_value tested_values[FRMI_N_DIS_TESTS] = {
    FRMI_LATENCY_RATIO, FRMI_MEMORY_RATIO, FRMI_ACCURACY,
};

void frmi_disagreements_release(frmi_disagreements *d)
{
    free(d->by_model);
    d->by_model = NULL;
}

static double mean_of(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return n ? s / (double)n : NAN;
}

frm_code frmi_disagreements_run(const frmi_table *t, size_t min_common,
                                frmi_disagreements *out)
{
    memset(out, 0, sizeof *out);
    size_t nm = t->n_models ? t->n_models : 1, cells = t->n_configs * t->n_models;
    out->by_model = calloc(nm, sizeof *out->by_model);
    double *buf = malloc(4 * nm * sizeof *buf);
    /* Per test, promoted values grow from the front and penalised from the back. */
    double *values = malloc((cells ? cells : 1) * FRMI_N_DIS_TESTS * sizeof *values);
    if (!out->by_model || !buf || !values) {
        free(buf);
        free(values);
        frmi_disagreements_release(out);
        return FRM_E_NOMEM;
    }
    double *metric_rank = buf, *macs_rank = buf + nm, *scratch = buf + 2 * nm;
    size_t front[FRMI_N_DIS_TESTS] = {0}, back[FRMI_N_DIS_TESTS] = {0};
    frm_code rc = FRM_OK;
    for (size_t c = 0; c < t->n_configs; c++) {
        size_t n, n_macs;
        if ((rc = frmi_table_rank_row(t, FRMI_METRIC, c, metric_rank, scratch, &n)) != FRM_OK ||
            (rc = frmi_table_rank_row(t, FRMI_MACS, c, macs_rank, scratch, &n_macs)) != FRM_OK)
            break;
        if (n < min_common)
            continue;
        out->n_configs++;
        out->tier_present[t->tiers[c]] = true;
        size_t cases = 0;
        for (size_t m = 0; m < t->n_models; m++) {
            if (isnan(metric_rank[m]) || fabs(metric_rank[m] - macs_rank[m]) < 2.0)
                continue;
            cases++;
            out->by_model[m]++;
            bool promoted = metric_rank[m] < macs_rank[m];
            *(promoted ? &out->promoted : &out->penalised) += 1;
            for (int k = 0; k < FRMI_N_DIS_TESTS; k++) {
                double v = frmi_cell(t, tested_values[k], c, m);
                if (isnan(v))
                    continue;
                double *col = values + (size_t)k * cells;
                if (promoted)
                    col[front[k]++] = v;
                else
                    col[cells - 1 - back[k]++] = v;
            }
        }
        out->n_cases += cases;
        out->n_configs_with_case += cases > 0;
        out->by_tier[t->tiers[c]] += cases;
    }
    for (int k = 0; k < FRMI_N_DIS_TESTS && rc == FRM_OK; k++) {
        double *col = values + (size_t)k * cells;
        const double *pen = col + cells - back[k];
        frmi_disagreement_test *d = &out->tests[k];
        d->n_promoted = front[k];
        d->n_penalised = back[k];
        d->mean_promoted = mean_of(col, front[k]);
        d->mean_penalised = mean_of(pen, back[k]);
        d->mw = frmi_mann_whitney(col, front[k], pen, back[k]);
    }
    free(buf);
    free(values);
    if (rc != FRM_OK) {
        frmi_disagreements_release(out);
        return FRM_E_NOMEM;
    }
    return FRM_OK;
}
