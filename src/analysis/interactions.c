/*
 * analysis/interactions.c - paper 4.6: does a model's latency relative to
 * the baseline depend on the tier it runs on?
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "frm/stats.h"

static const frm_tier tier_order[3] = {FRM_TIER_GPU, FRM_TIER_CPU, FRM_TIER_EDGE};

void frmi_interactions_release(frmi_interactions *in)
{
    free(in->models);
    in->models = NULL;
    in->n_models = 0;
}

frm_code frmi_interactions_run(const frmi_table *t, double alpha, frmi_interactions *out)
{
    memset(out, 0, sizeof *out);
    size_t nm = t->n_models ? t->n_models : 1, nc = t->n_configs ? t->n_configs : 1;
    out->models = malloc(nm * sizeof *out->models);
    double *samples = malloc(3 * nc * sizeof *samples);       /* one run per tier */
    double *scratch = malloc(nc * sizeof *scratch);
    double *cvs = malloc(3 * nm * sizeof *cvs);               /* per tier, per model */
    if (!out->models || !samples || !scratch || !cvs) {
        free(samples);
        free(scratch);
        free(cvs);
        frmi_interactions_release(out);
        return FRM_E_NOMEM;
    }
    size_t n_cv[3] = {0};
    for (size_t m = 0; m < t->n_models; m++) {
        if (m == t->baseline)
            continue;
        size_t count[3] = {0};
        for (size_t c = 0; c < t->n_configs; c++) {
            double v = frmi_cell(t, FRMI_LATENCY_RATIO, c, m);
            for (int k = 0; k < 3 && !isnan(v); k++)
                if (t->tiers[c] == tier_order[k])
                    samples[k * nc + count[k]++] = v;
        }
        const double *groups[3];
        size_t sizes[3], n_present = 0;
        double median[3] = {NAN, NAN, NAN};
        int present[3];
        for (int k = 0; k < 3; k++) {
            if (count[k] < 2)
                continue;
            double mean, std;
            memcpy(scratch, samples + k * nc, count[k] * sizeof *scratch);
            frmi_describe_values(scratch, count[k], &mean, &std, &median[k]);
            cvs[k * nm + n_cv[k]++] = std / mean;
            groups[n_present] = samples + k * nc;
            sizes[n_present] = count[k];
            present[n_present++] = k;
        }
        if (n_present < 2)
            continue;
        frmi_interaction_model *r = &out->models[out->n_models++];
        r->model = m;
        r->kruskal = n_present > 2;
        if (r->kruskal) {
            if (frm_kruskal_wallis(groups, sizes, n_present, &r->test.statistic, &r->test.p) !=
                FRM_OK)
                r->test = (frmi_test){NAN, NAN};
        } else {
            r->test = frmi_mann_whitney(groups[0], sizes[0], groups[1], sizes[1]);
        }
        int first = present[0], last = present[n_present - 1];
        r->from = tier_order[first];
        r->to = tier_order[last];
        r->median_from = median[first];
        r->median_to = median[last];
        r->rel_diff = fabs(median[last] / median[first] - 1.0);
    }
    double rel_sum = 0.0;
    for (size_t i = 0; i < out->n_models; i++) {
        frmi_interaction_model *r = &out->models[i];
        /* fmin would turn a NaN p (an all-tied sample) into 1 */
        r->p_bonferroni = isnan(r->test.p) ? NAN : fmin(1.0, r->test.p * (double)out->n_models);
        r->significant = r->p_bonferroni < alpha;
        out->n_significant += r->significant;
        rel_sum += r->rel_diff;
    }
    out->mean_rel_diff = out->n_models ? rel_sum / (double)out->n_models : NAN;

    double all_sum = 0.0;
    size_t all_n = 0;
    for (int k = 0; k < 3; k++) {
        double sum = 0.0;
        for (size_t i = 0; i < n_cv[k]; i++)
            sum += cvs[k * nm + i];
        out->within_tier_cv[tier_order[k]] = n_cv[k] ? sum / (double)n_cv[k] : NAN;
        all_sum += sum;
        all_n += n_cv[k];
    }
    out->within_tier_cv[FRM_TIER_UNKNOWN] = all_n ? all_sum / (double)all_n : NAN;
    free(samples);
    free(scratch);
    free(cvs);
    return FRM_OK;
}
