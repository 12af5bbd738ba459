/*
 * analysis/baselines.c - paper 6.3: the headline figures again under each
 * of several baselines.
 *
 * Within a configuration every model is divided by the same baseline
 * values, so the metric's ranks, and every rho, cannot change with the
 * baseline; only configurations that lack one baseline or another can
 * move the rank figures.  CVs of ratios do change.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

void frmi_baselines_release(frmi_baselines *b)
{
    free(b->items);
    b->items = NULL;
    b->n = 0;
}

/* Mean rho over all pairs (cross_tier false) or cross-tier pairs only. */
static double mean_rho(const frmi_table *t, const frmi_rho_matrix *m, bool cross_tier)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t a = 0; a < m->n; a++)
        for (size_t b = a + 1; b < m->n; b++) {
            if (cross_tier && (t->tiers[a] == FRM_TIER_UNKNOWN ||
                               t->tiers[b] == FRM_TIER_UNKNOWN || t->tiers[a] == t->tiers[b]))
                continue;
            double rho = m->rho[a * m->n + b];
            if (!isnan(rho)) {
                sum += rho;
                n++;
            }
        }
    return n ? sum / (double)n : NAN;
}

static frm_code one_baseline(const frm_dataset *ds, const frmi_analysis_options *opts,
                             frmi_baseline_result *r, frm_error *err)
{
    frmi_table *t = NULL;
    frm_error local;
    frm_code rc = frmi_table_build(ds, opts, r->baseline, &t, &local);
    if (rc == FRM_E_BASELINE) {
        snprintf(r->reason, sizeof r->reason, "it is not a model of the dataset");
        return FRM_OK;
    }
    if (rc != FRM_OK) {
        if (err)
            *err = local;
        return rc;
    }
    r->n_configs = t->n_configs;
    if (t->n_configs == 0) {
        snprintf(r->reason, sizeof r->reason, "no configuration has a usable record of it");
        frmi_table_free(t);
        return FRM_OK;
    }
    frmi_rho_matrix m;
    frmi_variability v;
    if ((rc = frmi_rho_matrix_build(t, FRMI_METRIC, opts->min_common, &m)) != FRM_OK) {
        frmi_table_free(t);
        return rc;
    }
    r->stability_mean = mean_rho(t, &m, false);
    r->transfer_mean = mean_rho(t, &m, true);
    frmi_rho_matrix_release(&m);
    if ((rc = frmi_variability_run(t, &v)) == FRM_OK)
        r->variability_mean_cv = v.mean_cv[FRMI_CV_METRIC];
    frmi_table_free(t);
    return rc;
}

frm_code frmi_baselines_run(const frm_dataset *ds, const frmi_analysis_options *opts,
                            frmi_baselines *out, frm_error *err)
{
    out->n = 0;
    out->items = calloc(opts->n_baselines ? opts->n_baselines : 1, sizeof *out->items);
    if (!out->items)
        return FRM_E_NOMEM;
    for (size_t i = 0; i < opts->n_baselines; i++) {
        frmi_baseline_result *r = &out->items[out->n++];
        *r = (frmi_baseline_result){.baseline = opts->baselines[i],
                                    .stability_mean = NAN,
                                    .transfer_mean = NAN,
                                    .variability_mean_cv = NAN};
        frm_code rc = one_baseline(ds, opts, r, err);
        if (rc != FRM_OK) {
            frmi_baselines_release(out);
            return rc;
        }
    }
    return FRM_OK;
}
