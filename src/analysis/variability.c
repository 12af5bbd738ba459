/*
 * analysis/variability.c - paper 4.1: how much each model's figures vary
 * across configurations, as coefficients of variation.
 *
 * The baseline is left out: its ratios are 1 everywhere by definition.
 * Ratios' CVs depend on the baseline (unlike ranks), raw CVs do not.
 */
#include <math.h>
#include <stdlib.h>

#include "analysis/analysis.h"
#include "frm/stats.h"

const char *const frmi_cv_names[FRMI_N_CV] = {
    "frm", "latency_ratio", "latency_raw", "memory_ratio", "memory_raw",
};

static const frmi_value cv_values[FRMI_N_CV] = {
    FRMI_METRIC, FRMI_LATENCY_RATIO, FRMI_LATENCY, FRMI_MEMORY_RATIO, FRMI_MEMORY,
};

static frmi_test wilcoxon(const double *x, const double *y, size_t n)
{
    frmi_test t;
    if (n < 1 || frm_wilcoxon_signed_rank(x, y, n, &t.statistic, &t.p) != FRM_OK)
        return (frmi_test){NAN, NAN};
    return t;
}

frm_code frmi_variability_run(const frmi_table *t, frmi_variability *out)
{
    size_t nm = t->n_models ? t->n_models : 1, nc = t->n_configs ? t->n_configs : 1;
    double *cv = malloc(FRMI_N_CV * nm * sizeof *cv);   /* kind x kept model */
    double *sample = malloc(nc * sizeof *sample);
    double *sorted = malloc(nm * sizeof *sorted);
    if (!cv || !sample || !sorted) {
        free(cv);
        free(sample);
        free(sorted);
        return FRM_E_NOMEM;
    }
    size_t kept = 0;
    for (size_t m = 0; m < t->n_models; m++) {
        if (m == t->baseline)
            continue;
        size_t present = 0;
        for (size_t c = 0; c < t->n_configs; c++)
            present += !isnan(frmi_cell(t, FRMI_METRIC, c, m));
        if (present < 2)
            continue;
        for (int k = 0; k < FRMI_N_CV; k++) {
            size_t n = 0;
            for (size_t c = 0; c < t->n_configs; c++) {
                double v = frmi_cell(t, cv_values[k], c, m);
                if (!isnan(frmi_cell(t, FRMI_METRIC, c, m)))
                    sample[n++] = v;
            }
            double mean, std, median;
            frmi_describe_values(sample, n, &mean, &std, &median);
            cv[k * nm + kept] = std / mean;
        }
        kept++;
    }
    out->n_models = kept;
    for (int k = 0; k < FRMI_N_CV; k++) {
        for (size_t i = 0; i < kept; i++)
            sorted[i] = cv[k * nm + i];
        double std;
        frmi_describe_values(sorted, kept, &out->mean_cv[k], &std, &out->median_cv[k]);
    }
    out->wilcoxon_vs_latency_raw = wilcoxon(cv + FRMI_CV_METRIC * nm,
                                            cv + FRMI_CV_LATENCY_RAW * nm, kept);
    out->wilcoxon_vs_latency_ratio = wilcoxon(cv + FRMI_CV_METRIC * nm,
                                              cv + FRMI_CV_LATENCY_RATIO * nm, kept);
    free(cv);
    free(sample);
    free(sorted);
    return FRM_OK;
}
