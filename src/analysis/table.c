/*
 * analysis/table.c - a scored dataset as dense configuration x model
 * matrices, the one layout every section reads.
 *
 * Scoring is frm_score_dataset's, so the analysis and `frm score` can never
 * disagree on a value.  Model names and config_ids are resolved to row and
 * column numbers here, once; nothing later looks up a string.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "frm/stats.h"
#include "util/error.h"

static const char *const section_names[] = {
    "stability", "variability", "frameworks", "transfer",
    "flops", "disagreements", "interactions", "baselines",
};

const char *frmi_section_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof section_names / sizeof section_names[0]; i++)
        if (bit == 1u << i)
            return section_names[i];
    return NULL;
}

unsigned frmi_section_parse(const char *name)
{
    for (size_t i = 0; i < sizeof section_names / sizeof section_names[0]; i++)
        if (strcmp(name, section_names[i]) == 0)
            return 1u << i;
    return 0;
}

void frmi_table_free(frmi_table *t)
{
    if (!t)
        return;
    free(t->configs);
    free(t->tiers);
    free(t->models);
    for (int k = 0; k < FRMI_N_VALUES; k++)
        free(t->v[k]);
    free(t->skipped);
    free(t->absent);
    free(t);
}

/* Config-level scoring failures, in the order the scorer met them. */
typedef struct failures {
    char (*messages)[FRM_ERROR_SIZE];
    size_t n, cap;
    bool nomem;
} failures;

static void collect_failure(void *ctx, const frm_error *e)
{
    failures *f = ctx;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        void *p = realloc(f->messages, cap * sizeof *f->messages);
        if (!p) {
            f->nomem = true;
            return;
        }
        f->messages = p;
        f->cap = cap;
    }
    memcpy(f->messages[f->n++], e->message, FRM_ERROR_SIZE);
}

static void ignore_failure(void *ctx, const frm_error *e)
{
    (void)ctx;
    (void)e;
}

/*
 * The scorer's message about configuration `id` as a whole ("has no record
 * for baseline ..." or ", baseline ...: why"), as opposed to one of its
 * models ("', model '...").
 */
static const char *config_failure(const failures *f, const char *id)
{
    size_t len = strlen(id);
    for (size_t i = 0; i < f->n; i++) {
        const char *m = f->messages[i];
        if (strncmp(m, "configuration '", 15) != 0 || strncmp(m + 15, id, len) != 0)
            continue;
        const char *rest = m + 15 + len;
        if (strncmp(rest, "' has no record", 15) == 0 || strncmp(rest, "', baseline '", 13) == 0)
            return m;
    }
    return NULL;
}

static frm_code resolve_models(const frm_dataset *ds, const frmi_analysis_options *o,
                               size_t *column, frmi_table *t, frm_error *err)
{
    size_t n = frm_dataset_n_models(ds);
    for (size_t id = 0; id < n; id++)
        column[id] = o->models ? SIZE_MAX : id;
    if (o->models) {
        for (size_t i = 0; i < o->n_models; i++) {
            size_t id = 0;
            while (id < n && strcmp(frm_dataset_model_name(ds, (uint32_t)id), o->models[i]) != 0)
                id++;
            if (id == n)
                return frmi_fail(err, FRM_E_ARGUMENT,
                                 "--models: no record of the dataset is for model '%s'",
                                 o->models[i]);
            column[id] = 0;     /* marked; numbered below in dataset order */
        }
    }
    for (size_t id = 0; id < n; id++)
        if (column[id] != SIZE_MAX) {
            column[id] = t->n_models;
            t->models[t->n_models++] = frm_dataset_model_name(ds, (uint32_t)id);
        }
    return FRM_OK;
}

static frm_code resolve_tiers(const frm_dataset *ds, const frmi_analysis_options *o,
                              frm_tier *tier_of_config, frm_error *err)
{
    size_t n = frm_dataset_n_configs(ds);
    for (size_t c = 0; c < n; c++)
        tier_of_config[c] = frm_dataset_config(ds, c)->tier;
    /* Device keys first, so that a config_id key overrides them. */
    for (int by_id = 0; by_id < 2; by_id++) {
        for (size_t i = 0; i < o->n_tiers; i++) {
            const char *key = o->tiers[i].key;
            bool matched = false;
            for (size_t c = 0; c < n; c++) {
                const frm_config *cfg = frm_dataset_config(ds, c);
                bool is_id = strcmp(cfg->config_id, key) == 0;
                bool is_dev = cfg->device && strcmp(cfg->device, key) == 0;
                matched |= is_id || is_dev;
                if (by_id ? is_id : is_dev)
                    tier_of_config[c] = o->tiers[i].tier;
            }
            if (!matched)
                return frmi_fail(err, FRM_E_ARGUMENT,
                                 "--tier-of: '%s' is neither a config_id nor a device of the "
                                 "dataset", key);
        }
    }
    return FRM_OK;
}

static bool dataset_has_model(const frm_dataset *ds, const char *name)
{
    for (size_t id = 0; id < frm_dataset_n_models(ds); id++)
        if (strcmp(frm_dataset_model_name(ds, (uint32_t)id), name) == 0)
            return true;
    return false;
}

/* Scores with FRM_E into v[FRMI_FRM_E] where energy allows; silent otherwise. */
static frm_code fill_frm_e(const frm_dataset *ds, const char *baseline, const size_t *row_of_config,
                           const size_t *column, frmi_table *t, frm_error *err)
{
    frm_score_options so = FRM_SCORE_OPTIONS_INIT;
    so.baseline = baseline;
    so.metric = FRM_METRIC_FRM_E;
    so.diag = ignore_failure;
    frm_scores *sc = NULL;
    frm_code rc = frm_score_dataset(ds, &so, &sc, NULL);
    if (rc == FRM_E_NOMEM || !sc)
        return frmi_nomem(err);
    for (size_t g = 0; g < sc->n_groups; g++) {
        size_t row = row_of_config[sc->groups[g].config - frm_dataset_config(ds, 0)];
        if (row == SIZE_MAX)
            continue;
        for (size_t i = 0; i < sc->groups[g].count; i++) {
            const frm_score_row *r = &sc->rows[sc->groups[g].first + i];
            size_t col = column[r->entry->model_id];
            if (col == SIZE_MAX)
                continue;
            t->v[FRMI_FRM_E][row * t->n_models + col] = r->value;
            t->has_frm_e = true;
        }
    }
    frm_scores_free(sc);
    return FRM_OK;
}

frm_code frmi_table_build(const frm_dataset *ds, const frmi_analysis_options *o,
                          const char *baseline, frmi_table **out, frm_error *err)
{
    *out = NULL;
    if (!dataset_has_model(ds, baseline))
        return frmi_fail(err, FRM_E_BASELINE,
                         "the baseline '%s' is not a model of the dataset; --baseline names "
                         "another", baseline);
    size_t n_cfg = frm_dataset_n_configs(ds), n_ids = frm_dataset_n_models(ds);
    frmi_table *t = calloc(1, sizeof *t);
    size_t *column = malloc((n_ids ? n_ids : 1) * sizeof *column);
    size_t *row_of_config = malloc((n_cfg ? n_cfg : 1) * sizeof *row_of_config);
    frm_tier *tier_of_config = malloc((n_cfg ? n_cfg : 1) * sizeof *tier_of_config);
    failures fails = {0};
    frm_scores *sc = NULL;
    frm_code rc = FRM_OK;
    if (!t || !column || !row_of_config || !tier_of_config) {
        rc = frmi_nomem(err);
        goto done;
    }
    t->n_dataset_configs = n_cfg;
    t->n_dataset_models = n_ids;
    t->baseline = SIZE_MAX;
    t->models = malloc((n_ids ? n_ids : 1) * sizeof *t->models);
    t->configs = malloc((n_cfg ? n_cfg : 1) * sizeof *t->configs);
    t->tiers = malloc((n_cfg ? n_cfg : 1) * sizeof *t->tiers);
    t->skipped = malloc((n_cfg ? n_cfg : 1) * sizeof *t->skipped);
    if (!t->models || !t->configs || !t->tiers || !t->skipped) {
        rc = frmi_nomem(err);
        goto done;
    }
    if ((rc = resolve_models(ds, o, column, t, err)) != FRM_OK ||
        (rc = resolve_tiers(ds, o, tier_of_config, err)) != FRM_OK)
        goto done;
    for (size_t m = 0; m < t->n_models; m++)
        if (strcmp(t->models[m], baseline) == 0)
            t->baseline = m;

    frm_score_options so = FRM_SCORE_OPTIONS_INIT;
    so.baseline = baseline;
    so.metric = o->metric;
    so.q_rule = o->q_rule;
    so.diag = collect_failure;
    so.ctx = &fails;
    rc = frm_score_dataset(ds, &so, &sc, NULL);
    if (rc == FRM_E_NOMEM || !sc || fails.nomem) {
        rc = frmi_nomem(err);
        goto done;
    }
    rc = FRM_OK;

    bool *scored = calloc(n_cfg ? n_cfg : 1, sizeof *scored);
    if (!scored) {
        rc = frmi_nomem(err);
        goto done;
    }
    for (size_t g = 0; g < sc->n_groups; g++)
        scored[sc->groups[g].config - frm_dataset_config(ds, 0)] = true;
    for (size_t c = 0; c < n_cfg; c++) {
        const frm_config *cfg = frm_dataset_config(ds, c);
        row_of_config[c] = SIZE_MAX;
        if (scored[c]) {
            row_of_config[c] = t->n_configs;
            t->configs[t->n_configs] = cfg;
            t->tiers[t->n_configs++] = tier_of_config[c];
            continue;
        }
        frmi_skipped *s = &t->skipped[t->n_skipped++];
        s->config_id = cfg->config_id;
        const char *why = config_failure(&fails, cfg->config_id);
        if (why) {
            /* "configuration 'ID' has no record ...; configurations with it: ..." */
            why += 15 + strlen(cfg->config_id) + 1;
            why += *why == ',' ? 2 : *why == ' ' ? 1 : 0;
            const char *cut = strstr(why, "; configuration");
            snprintf(s->reason, sizeof s->reason, "%.*s", cut ? (int)(cut - why) : 190, why);
        } else {
            snprintf(s->reason, sizeof s->reason, "no model could be scored");
        }
    }
    free(scored);

    size_t cells = t->n_configs * t->n_models;
    if (t->n_models && cells / t->n_models != t->n_configs) {
        rc = frmi_nomem(err);
        goto done;
    }
    for (int k = 0; k < FRMI_N_VALUES; k++) {
        t->v[k] = malloc((cells ? cells : 1) * sizeof *t->v[k]);
        if (!t->v[k]) {
            rc = frmi_nomem(err);
            goto done;
        }
        for (size_t i = 0; i < cells; i++)
            t->v[k][i] = NAN;
    }
    for (size_t g = 0; g < sc->n_groups; g++) {
        size_t row = row_of_config[sc->groups[g].config - frm_dataset_config(ds, 0)];
        for (size_t i = 0; i < sc->groups[g].count; i++) {
            const frm_score_row *r = &sc->rows[sc->groups[g].first + i];
            const frm_entry *e = r->entry;
            size_t col = column[e->model_id];
            if (col == SIZE_MAX)
                continue;
            size_t at = row * t->n_models + col;
            t->v[FRMI_METRIC][at] = r->value;
            t->v[FRMI_FRM][at] = r->frm;
            t->v[FRMI_LATENCY_RATIO][at] = r->r_latency;
            t->v[FRMI_MEMORY_RATIO][at] = r->r_memory;
            t->v[FRMI_LATENCY][at] = e->latency_ms / e->batch;
            t->v[FRMI_MEMORY][at] = e->memory_mb;
            t->v[FRMI_MACS][at] = e->macs;
            t->v[FRMI_ACCURACY][at] = e->accuracy_top1;
            if (o->metric == FRM_METRIC_FRM_E) {
                t->v[FRMI_FRM_E][at] = r->value;
                t->has_frm_e = true;
            }
        }
    }
    t->absent = sc->absent;
    t->n_absent = sc->n_absent;
    sc->absent = NULL;
    frm_scores_free(sc);
    sc = NULL;
    if (o->metric != FRM_METRIC_FRM_E)
        rc = fill_frm_e(ds, baseline, row_of_config, column, t, err);

done:
    frm_scores_free(sc);
    free(fails.messages);
    free(column);
    free(row_of_config);
    free(tier_of_config);
    if (rc != FRM_OK) {
        frmi_table_free(t);
        return rc;
    }
    *out = t;
    return FRM_OK;
}

frm_code frmi_table_rank_row(const frmi_table *t, frmi_value k, size_t c, double *ranks,
                             double *scratch, size_t *count)
{
    const double *row = t->v[k] + c * t->n_models;
    size_t n = 0;
    for (size_t m = 0; m < t->n_models; m++)
        if (!isnan(row[m]))
            scratch[n++] = row[m];
    /* The ranks land after the gathered values in `scratch` (2 n_models long). */
    double *r = scratch + t->n_models;
    if (n > 0 && frm_rank_average(scratch, n, r) != FRM_OK)
        return FRM_E_NOMEM;     /* no NaN was gathered: only memory can fail */
    for (size_t m = 0, i = 0; m < t->n_models; m++)
        ranks[m] = isnan(row[m]) ? NAN : r[i++];
    *count = n;
    return FRM_OK;
}
