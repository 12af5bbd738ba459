/*
 * analysis/select.c - paper section 5: pick a model for a target from
 * measurements on a reference, by MACs and by the metric, and check both
 * picks against the target's own measurements when it has them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "util/error.h"
#include "util/jsonw.h"

void frmi_selection_free(frmi_selection *s)
{
    if (!s)
        return;
    frmi_table_free(s->table);
    free(s->candidates);
    free(s);
}

/* The dataset configuration `key` names: a config_id, or a device with one. */
static frm_code find_config(const frm_dataset *ds, const char *what, const char *key,
                            size_t *index, frm_error *err)
{
    size_t n = frm_dataset_n_configs(ds), found = SIZE_MAX, n_found = 0;
    for (size_t c = 0; c < n; c++)
        if (strcmp(frm_dataset_config(ds, c)->config_id, key) == 0) {
            *index = c;
            return FRM_OK;
        }
    frmi_buf list;
    frmi_buf_init(&list);
    for (size_t c = 0; c < n; c++) {
        const frm_config *cfg = frm_dataset_config(ds, c);
        if (!cfg->device || strcmp(cfg->device, key) != 0)
            continue;
        if (n_found < 4)
            frmi_buf_printf(&list, "%s'%s'", n_found ? ", " : "", cfg->config_id);
        found = c;
        n_found++;
    }
    frm_code rc = FRM_OK;
    if (n_found == 0)
        rc = frmi_fail(err, FRM_E_ARGUMENT,
                       "%s '%s' is neither a config_id nor a device of the dataset", what, key);
    else if (n_found > 1)
        rc = frmi_fail(err, FRM_E_ARGUMENT,
                       "%s '%s' is a device with %zu configurations (%s%s); name one config_id",
                       what, key, n_found, list.failed ? "?" : list.data,
                       n_found > 4 ? ", ..." : "");
    else
        *index = found;
    frmi_buf_release(&list);
    return rc;
}

static bool wanted(const frmi_select_options *o, const char *model)
{
    if (!o->candidates)
        return true;
    for (size_t i = 0; i < o->n_candidates; i++)
        if (strcmp(o->candidates[i], model) == 0)
            return true;
    return false;
}

/* Lower metric, then fewer MACs, then name; or fewer MACs first. */
static bool better(const frmi_selection *s, const frmi_candidate *x, const frmi_candidate *y,
                   bool by_macs)
{
    double a1 = by_macs ? x->macs : x->metric, b1 = by_macs ? y->macs : y->metric;
    double a2 = by_macs ? x->metric : x->macs, b2 = by_macs ? y->metric : y->macs;
    if (a1 != b1)
        return a1 < b1;
    if (a2 != b2)
        return a2 < b2;
    return strcmp(s->table->models[x->model], s->table->models[y->model]) < 0;
}

static frm_code check_candidates(const frm_dataset *ds, const frmi_select_options *o,
                                 frm_error *err)
{
    for (size_t i = 0; i < o->n_candidates; i++) {
        bool known = false;
        for (size_t id = 0; id < frm_dataset_n_models(ds) && !known; id++)
            known = strcmp(frm_dataset_model_name(ds, (uint32_t)id), o->candidates[i]) == 0;
        if (!known)
            return frmi_fail(err, FRM_E_ARGUMENT,
                             "--candidates: no record of the dataset is for model '%s'",
                             o->candidates[i]);
    }
    return FRM_OK;
}

frm_code frmi_select_run(const frm_dataset *ds, const frmi_analysis_options *aopts,
                         const frmi_select_options *o, frmi_selection **out, frm_error *err)
{
    *out = NULL;
    size_t ref, target = SIZE_MAX;
    frm_code rc;
    if ((rc = check_candidates(ds, o, err)) != FRM_OK ||
        (rc = find_config(ds, "--reference", o->reference, &ref, err)) != FRM_OK ||
        (o->target && (rc = find_config(ds, "--target", o->target, &target, err)) != FRM_OK))
        return rc;
    frmi_selection *s = calloc(1, sizeof *s);
    if (!s)
        return frmi_nomem(err);
    const char *baseline = aopts->baseline ? aopts->baseline : "resnet50";
    if ((rc = frmi_table_build(ds, aopts, baseline, &s->table, err)) != FRM_OK) {
        free(s);
        return rc;
    }
    const frmi_table *t = s->table;
    const frm_config *ref_cfg = frm_dataset_config(ds, ref);
    s->reference = SIZE_MAX;
    for (size_t c = 0; c < t->n_configs; c++)
        if (t->configs[c] == ref_cfg)
            s->reference = c;
    if (s->reference == SIZE_MAX) {
        const char *why = "";
        for (size_t i = 0; i < t->n_skipped; i++)
            if (t->skipped[i].config_id == ref_cfg->config_id)
                why = t->skipped[i].reason;
        rc = frmi_fail(err, FRM_E_BASELINE, "the reference '%s' cannot be scored: %s",
                       ref_cfg->config_id, why);
        frmi_selection_free(s);
        return rc;
    }
    s->target = target;
    s->target_id = target == SIZE_MAX ? NULL : frm_dataset_config(ds, target)->config_id;
    s->macs_pick = s->metric_pick = s->fastest = SIZE_MAX;

    /* The target needs no baseline: its raw latencies come from the dataset. */
    double *target_latency = malloc((t->n_models ? t->n_models : 1) * sizeof *target_latency);
    s->candidates = malloc((t->n_models ? t->n_models : 1) * sizeof *s->candidates);
    if (!target_latency || !s->candidates) {
        free(target_latency);
        frmi_selection_free(s);
        return frmi_nomem(err);
    }
    for (size_t m = 0; m < t->n_models; m++)
        target_latency[m] = NAN;
    if (target != SIZE_MAX)
        for (size_t i = 0; i < frm_dataset_size(ds); i++) {
            const frm_entry *e = frm_dataset_entry(ds, i);
            if (e->config_index != target)
                continue;
            for (size_t m = 0; m < t->n_models; m++)
                if (strcmp(t->models[m], e->model) == 0)
                    target_latency[m] = e->latency_ms / e->batch;
        }

    for (size_t m = 0; m < t->n_models; m++) {
        double metric = frmi_cell(t, FRMI_METRIC, s->reference, m);
        if (isnan(metric) || !wanted(o, t->models[m]))
            continue;
        frmi_candidate *c = &s->candidates[s->n_candidates++];
        *c = (frmi_candidate){
            .model = m,
            .metric = metric,
            .macs = frmi_cell(t, FRMI_MACS, s->reference, m),
            .accuracy = frmi_cell(t, FRMI_ACCURACY, s->reference, m),
            .target_latency = target_latency[m],
        };
        c->eligible = isnan(o->min_accuracy) || c->accuracy >= o->min_accuracy;
        s->n_eligible += c->eligible;
    }
    free(target_latency);

    for (size_t i = 0; i < s->n_candidates; i++) {
        frmi_candidate *c = &s->candidates[i];
        if (!c->eligible)
            continue;
        if (s->macs_pick == SIZE_MAX || better(s, c, &s->candidates[s->macs_pick], true))
            s->macs_pick = i;
        if (s->metric_pick == SIZE_MAX || better(s, c, &s->candidates[s->metric_pick], false))
            s->metric_pick = i;
        if (!isnan(c->target_latency)) {
            s->n_measured_on_target++;
            if (s->fastest == SIZE_MAX ||
                c->target_latency < s->candidates[s->fastest].target_latency)
                s->fastest = i;
        }
        if (isnan(c->accuracy))
            continue;
        c->pareto = true;
        for (size_t j = 0; j < s->n_candidates && c->pareto; j++) {
            const frmi_candidate *d = &s->candidates[j];
            if (j == i || !d->eligible || isnan(d->accuracy))
                continue;
            bool no_worse = d->accuracy >= c->accuracy && d->metric <= c->metric;
            bool strictly = d->accuracy > c->accuracy || d->metric < c->metric;
            if (no_worse && strictly)
                c->pareto = false;
        }
    }
    *out = s;
    return FRM_OK;
}
