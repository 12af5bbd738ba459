/*
 * analysis/analysis.c - runs the asked-for sections over one scored table,
 * sharing the pairwise correlation matrices between them.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "util/error.h"

static const char *const default_baselines[] = {"resnet50", "mobilenetv2_100",
                                                "efficientnet_b0"};

void frmi_analysis_free(frmi_analysis *a)
{
    if (!a)
        return;
    frmi_table_free(a->table);
    frmi_frameworks_release(&a->frameworks);
    frmi_disagreements_release(&a->disagreements);
    frmi_interactions_release(&a->interactions);
    frmi_baselines_release(&a->baselines);
    free(a);
}

/* Fills the zero fields of `o` with the documented defaults. */
static void apply_defaults(frmi_analysis_options *o)
{
    if (!o->baseline)
        o->baseline = "resnet50";
    if (o->min_common == 0)
        o->min_common = 4;
    if (o->alpha == 0)
        o->alpha = 0.05;
    if (!o->baselines) {
        o->baselines = default_baselines;
        o->n_baselines = sizeof default_baselines / sizeof default_baselines[0];
    }
    if (o->sections == 0)
        o->sections = FRMI_SECTION_ALL;
}

frm_code frmi_analysis_run(const frm_dataset *ds, const frmi_analysis_options *opts,
                           frmi_analysis **out, frm_error *err)
{
    *out = NULL;
    frmi_analysis *a = calloc(1, sizeof *a);
    if (!a)
        return frmi_nomem(err);
    a->opts = *opts;
    apply_defaults(&a->opts);
    if (a->opts.min_common < 2) {
        free(a);
        return frmi_fail(err, FRM_E_ARGUMENT, "min_common must be at least 2");
    }
    a->baseline = a->opts.baseline;
    a->sections = a->opts.sections;
    frm_code rc = frmi_table_build(ds, &a->opts, a->baseline, &a->table, err);
    if (rc != FRM_OK) {
        free(a);
        return rc;
    }
    const frmi_table *t = a->table;
    frmi_rho_cache cache = {.min_common = a->opts.min_common};
    double alpha = a->opts.alpha;
    unsigned s = a->sections;
    if (rc == FRM_OK && (s & FRMI_SECTION_STABILITY))
        rc = frmi_stability_run(t, &cache, a->opts.metric, alpha, &a->stability);
    if (rc == FRM_OK && (s & FRMI_SECTION_VARIABILITY))
        rc = frmi_variability_run(t, &a->variability);
    if (rc == FRM_OK && (s & FRMI_SECTION_FRAMEWORKS))
        rc = frmi_frameworks_run(t, &cache, alpha, &a->frameworks);
    if (rc == FRM_OK && (s & FRMI_SECTION_TRANSFER))
        rc = frmi_transfer_run(t, &cache, alpha, &a->transfer);
    frmi_rho_cache_release(&cache);
    if (rc == FRM_OK && (s & FRMI_SECTION_FLOPS))
        rc = frmi_flops_run(t, a->opts.min_common, &a->flops);
    if (rc == FRM_OK && (s & FRMI_SECTION_DISAGREEMENTS))
        rc = frmi_disagreements_run(t, a->opts.min_common, &a->disagreements);
    if (rc == FRM_OK && (s & FRMI_SECTION_INTERACTIONS))
        rc = frmi_interactions_run(t, alpha, &a->interactions);
    if (rc == FRM_OK && (s & FRMI_SECTION_BASELINES))
        rc = frmi_baselines_run(ds, &a->opts, &a->baselines, err);
    if (rc != FRM_OK) {
        if (rc == FRM_E_NOMEM)
            frmi_nomem(err);
        frmi_analysis_free(a);
        return rc;
    }
    *out = a;
    return FRM_OK;
}
