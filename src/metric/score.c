/*
 * metric/score.c - FRM, FRM_E and FRM_Q for every configuration of a dataset.
 *
 * Each configuration is normalised by its own baseline record, so a
 * configuration is the unit of success or failure: one without a usable
 * baseline is skipped as a whole, one model with an unusable component is
 * skipped alone, and the rest are scored.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frm/metric.h"
#include "frm/stats.h"
#include "util/error.h"
#include "util/jsonw.h"

const char *frm_metric_name(frm_metric m)
{
    switch (m) {
    case FRM_METRIC_FRM: return "frm";
    case FRM_METRIC_FRM_E: return "frm_e";
    case FRM_METRIC_FRM_Q: return "frm_q";
    }
    return "?";
}

void frm_scores_free(frm_scores *s)
{
    if (!s)
        return;
    free(s->rows);
    free(s->groups);
    free(s->absent);
    free(s);
}

/* The components of one entry, per sample and as the options select. */
typedef struct components {
    double ops, latency, memory, energy, accuracy;
} components;

static components components_of(const frm_entry *e, const frm_score_options *o)
{
    return (components){
        .ops = o->ops == FRM_OPS_FLOPS ? e->flops : e->macs,
        .latency = e->latency_ms / e->batch,
        .memory = e->memory_mb,
        .energy = e->energy_mj,
        .accuracy = e->accuracy_top1,
    };
}

/* Names the first component that cannot enter a logarithm, or NULL. */
static const char *bad_component(const components *c, const frm_score_options *o,
                                 double *value)
{
    const struct {
        const char *name;
        double v;
        bool used;
    } parts[] = {
        {o->ops == FRM_OPS_FLOPS ? "flops" : "macs", c->ops, true},
        {"latency_ms.median", c->latency, true},
        {"memory_mb.peak", c->memory, true},
        {"energy_mj", c->energy, o->metric == FRM_METRIC_FRM_E},
        {"accuracy_top1", c->accuracy, o->metric == FRM_METRIC_FRM_Q},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].used)
            continue;
        *value = parts[i].v;
        if (isnan(parts[i].v))
            return parts[i].name;
        /* accuracy may be 0; the other components must be positive */
        if (i < 4 && !(parts[i].v > 0 && isfinite(parts[i].v)))
            return parts[i].name;
    }
    return NULL;
}

static void describe_bad(char *out, size_t size, const char *field, double v,
                         const frm_score_options *o)
{
    char num[32];
    if (!isnan(v))
        snprintf(out, size, "%s is %s; it must be a positive number", field,
                 frmi_format_double(num, v));
    else if (strcmp(field, "energy_mj") == 0)
        snprintf(out, size, "energy_mj is missing, and %s needs it for every model",
                 frm_metric_name(o->metric));
    else if (strcmp(field, "accuracy_top1") == 0)
        snprintf(out, size, "accuracy_top1 is missing, and %s needs it for every model",
                 frm_metric_name(o->metric));
    else
        snprintf(out, size, "%s is missing", field);
}

typedef struct scorer {
    const frm_dataset *ds;
    const frm_score_options *opts;
    const char *baseline;
    frm_code first_failure;
    frm_error *err;
    frm_scores *out;
    size_t cap_absent;
} scorer;

/* A component a source may not measure at all, as opposed to one measured wrong. */
static bool may_be_absent(const char *field, double v)
{
    return isnan(v) && (strcmp(field, "macs") == 0 || strcmp(field, "flops") == 0 ||
                        strcmp(field, "memory_mb.peak") == 0);
}

/* Notes `e` as left out for `field`; false when memory ran out. */
static bool note_absent(scorer *s, const frm_entry *e, const char *field, bool baseline)
{
    frm_scores *sc = s->out;
    if (sc->n_absent == s->cap_absent) {
        size_t cap = s->cap_absent ? 2 * s->cap_absent : 64;
        frm_score_absent *grown = realloc(sc->absent, cap * sizeof *grown);
        if (!grown)
            return false;
        sc->absent = grown;
        s->cap_absent = cap;
    }
    sc->absent[sc->n_absent++] = (frm_score_absent){e, field, baseline};
    return true;
}

static void report(scorer *s, frm_code code, const char *fmt, ...) FRMI_PRINTF(3, 4);

static void report(scorer *s, frm_code code, const char *fmt, ...)
{
    frm_error e;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    e.code = code;
    if (code != FRM_E_ABSENT && s->first_failure == FRM_OK) {
        s->first_failure = code;
        if (s->err)
            *s->err = e;
    }
    if (s->opts->diag)
        s->opts->diag(s->opts->ctx, &e);
}

/* "a, b, c" of the configurations holding the baseline, cut to fit. */
static void configs_with_baseline(const frm_dataset *ds, const bool *has, char *out,
                                  size_t size)
{
    frmi_buf list;
    frmi_buf_init(&list);
    size_t n = 0, shown = 0;
    for (size_t c = 0; c < frm_dataset_n_configs(ds); c++) {
        if (!has[c])
            continue;
        n++;
        if (list.len < 200) {
            frmi_buf_printf(&list, "%s'%s'", shown ? ", " : "",
                            frm_dataset_config(ds, c)->config_id);
            shown++;
        }
    }
    if (n == 0)
        snprintf(out, size, "no configuration has it");
    else if (shown < n)
        snprintf(out, size, "configurations with it: %s and %zu more",
                 list.failed ? "?" : list.data, n - shown);
    else
        snprintf(out, size, "configuration%s with it: %s", n == 1 ? "" : "s",
                 list.failed ? "?" : list.data);
    frmi_buf_release(&list);
}

/* Sorts a group's rows by rank, then model name, so output is stable. */
static int by_rank(const void *a, const void *b)
{
    const frm_score_row *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->entry->model, y->entry->model);
}

/* Scores rows[0..n) of one configuration against `base`. */
static frm_code score_group(scorer *s, const frm_entry *base, frm_score_row *rows, size_t n,
                            const frm_config *cfg, size_t *kept)
{
    const frm_score_options *o = s->opts;
    components b = components_of(base, o);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const frm_entry *e = rows[i].entry;
        components m = components_of(e, o);
        double v;
        const char *field = bad_component(&m, o, &v);
        if (field) {
            char why[200];
            describe_bad(why, sizeof why, field, v, o);
            bool absent = may_be_absent(field, v);
            if (absent && !note_absent(s, e, field, false))
                return frmi_nomem(s->err);
            report(s, absent ? FRM_E_ABSENT : FRM_E_VALUE, "configuration '%s', model '%s': %s",
                   cfg->config_id, e->model, why);
            continue;
        }
        frm_score_row *r = &rows[k++];
        r->entry = e;
        r->r_flops = m.ops / b.ops;
        r->r_latency = m.latency / b.latency;
        r->r_memory = m.memory / b.memory;
        r->r_energy = NAN;
        r->accuracy = NAN;
        double log_sum = log(m.ops) - log(b.ops) + log(m.latency) - log(b.latency) +
                         log(m.memory) - log(b.memory);
        r->frm = exp(log_sum / 3.0);
        r->value = r->frm;
        if (o->metric == FRM_METRIC_FRM_E) {
            r->r_energy = m.energy / b.energy;
            r->value = exp((log_sum + log(m.energy) - log(b.energy)) / 4.0);
        } else if (o->metric == FRM_METRIC_FRM_Q) {
            r->accuracy = m.accuracy;
            if (o->q_rule == FRM_Q_PAPER)
                r->value = r->frm / (1.0 - m.accuracy);
            else
                r->value = r->frm * (1.0 - m.accuracy) / (1.0 - b.accuracy);
        }
    }
    *kept = k;
    if (k == 0)
        return FRM_OK;
    double *values = malloc(2 * k * sizeof *values);
    if (!values)
        return frmi_nomem(s->err);
    double *ranks = values + k;
    /* pass 0 ranks the metric, pass 1 the operation count */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < k; i++)
            values[i] = pass ? rows[i].r_flops : rows[i].value;
        if (frm_rank_average(values, k, ranks) != FRM_OK) {
            free(values);
            return frmi_nomem(s->err);
        }
        for (size_t i = 0; i < k; i++)
            *(pass ? &rows[i].ops_rank : &rows[i].rank) = ranks[i];
    }
    free(values);
    qsort(rows, k, sizeof *rows, by_rank);
    return FRM_OK;
}

/*
 * Why the baseline cannot normalise its configuration, or NULL; `*absent`
 * names the component when the baseline merely lacks it.
 */
static const char *baseline_problem(const frm_entry *base, const frm_score_options *o,
                                    char *why, size_t size, const char **absent)
{
    components b = components_of(base, o);
    double v;
    const char *field = bad_component(&b, o, &v);
    *absent = NULL;
    if (field) {
        describe_bad(why, size, field, v, o);
        if (may_be_absent(field, v))
            *absent = field;
        return why;
    }
    if (o->metric == FRM_METRIC_FRM_Q && o->q_rule == FRM_Q_ERROR_RATIO && b.accuracy >= 1) {
        snprintf(why, size, "accuracy_top1 is 1, so the error-rate ratio divides by zero");
        return why;
    }
    return NULL;
}

frm_code frm_score_dataset(const frm_dataset *ds, const frm_score_options *opts,
                           frm_scores **out, frm_error *err)
{
    static const frm_score_options defaults = FRM_SCORE_OPTIONS_INIT;
    const frm_score_options *o = opts ? opts : &defaults;
    scorer s = {ds, o, o->baseline ? o->baseline : "resnet50", FRM_OK, err, NULL, 0};
    size_t n = frm_dataset_size(ds), n_configs = frm_dataset_n_configs(ds);
    *out = NULL;

    frm_scores *sc = calloc(1, sizeof *sc);
    size_t *start = calloc(n_configs + 1, sizeof *start);
    const frm_entry **base = calloc(n_configs ? n_configs : 1, sizeof *base);
    bool *has_base = calloc(n_configs ? n_configs : 1, sizeof *has_base);
    if (sc) {
        sc->rows = malloc((n ? n : 1) * sizeof *sc->rows);
        sc->groups = malloc((n_configs ? n_configs : 1) * sizeof *sc->groups);
    }
    frm_code rc = FRM_OK;
    if (!sc || !start || !base || !has_base || !sc->rows || !sc->groups) {
        rc = frmi_nomem(err);
        goto done;
    }
    sc->metric = o->metric;
    s.out = sc;

    /* Counting sort of entries by configuration, keeping dataset order inside. */
    for (size_t i = 0; i < n; i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        start[e->config_index + 1]++;
        if (strcmp(e->model, s.baseline) == 0) {
            base[e->config_index] = e;
            has_base[e->config_index] = true;
        }
    }
    for (size_t c = 0; c < n_configs; c++)
        start[c + 1] += start[c];
    size_t *fill = malloc((n_configs ? n_configs : 1) * sizeof *fill);
    if (!fill) {
        rc = frmi_nomem(err);
        goto done;
    }
    memcpy(fill, start, n_configs * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        sc->rows[fill[e->config_index]++] = (frm_score_row){.entry = e};
    }
    free(fill);

    size_t out_rows = 0;
    for (size_t c = 0; c < n_configs && rc == FRM_OK; c++) {
        const frm_config *cfg = frm_dataset_config(ds, c);
        char why[300];
        if (!base[c]) {
            configs_with_baseline(ds, has_base, why, sizeof why);
            report(&s, FRM_E_BASELINE, "configuration '%s' has no record for baseline '%s'; %s",
                   cfg->config_id, s.baseline, why);
            continue;
        }
        const char *absent;
        if (baseline_problem(base[c], o, why, sizeof why, &absent)) {
            for (size_t i = start[c]; absent && i < start[c + 1]; i++)
                if (!note_absent(&s, sc->rows[i].entry, absent, true)) {
                    rc = frmi_nomem(err);
                    break;
                }
            report(&s, absent ? FRM_E_ABSENT : FRM_E_VALUE, "configuration '%s', baseline '%s': %s",
                   cfg->config_id, s.baseline, why);
            continue;
        }
        size_t kept = 0;
        /* Rows move down over skipped ones: out_rows <= start[c] always holds. */
        memmove(sc->rows + out_rows, sc->rows + start[c],
                (start[c + 1] - start[c]) * sizeof *sc->rows);
        rc = score_group(&s, base[c], sc->rows + out_rows, start[c + 1] - start[c], cfg, &kept);
        if (rc == FRM_OK && kept > 0) {
            sc->groups[sc->n_groups++] = (frm_score_group){cfg, base[c], out_rows, kept};
            out_rows += kept;
        }
    }
    sc->n_rows = out_rows;
    if (rc == FRM_OK)
        rc = s.first_failure;

done:
    free(start);
    free(base);
    free(has_base);
    if (rc == FRM_E_NOMEM) {
        frm_scores_free(sc);
        sc = NULL;
    }
    *out = sc;
    return rc;
}
