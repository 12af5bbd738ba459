/*
 * record/dataset.c - the in-memory table of "ok" records.
 *
 * Only what the metric and the analyses use is kept (about 100 bytes a
 * record); names are interned, so ten million records of a few hundred
 * models and configurations fit in about a gigabyte.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frm/record.h"
#include "util/error.h"
#include "util/pool.h"

typedef struct origin {
    uint32_t file_index;
    uint64_t line;
} origin;

/*
 * A record whose device, framework or tier disagrees with the first record
 * of its configuration, held until the end of the load: the side most
 * records take is kept, the others are rejected.
 */
typedef struct disputed {
    frm_entry entry;
    frm_config says;           /* the record's own device, framework and tier */
    bool settled, wins;
} disputed;

struct frm_dataset {
    frm_dedupe dedupe;
    frmi_pool names;           /* every string the dataset hands out */
    frm_entry *entries;
    size_t n_entries, cap_entries;
    frm_config *configs;
    origin *config_origin;     /* where each configuration was first seen */
    size_t n_configs, cap_configs, cap_origins;
    frmi_map config_by_name;   /* pool id + 1 -> config index */
    uint32_t *model_names;     /* model id -> pool id */
    size_t n_models, cap_models;
    frmi_map model_by_name;    /* pool id + 1 -> model id */
    frmi_map entry_by_key;     /* (config index + 1) << 32 | model id -> entry index */
    uint32_t *files;           /* file index -> pool id */
    size_t n_files, cap_files;
    size_t n_error_records, n_rejected;
    size_t n_predicted;        /* records of frm predict, left out */
    bool keep_predicted;
    disputed *disputes;        /* of the load in progress */
    size_t n_disputes, cap_disputes;
};

/* Grows *array (of `size`-byte elements) to hold at least n + 1. */
static bool grow(void *array, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t new_cap = *cap ? *cap * 2 : 16;
    void *p = realloc(*(void **)array, new_cap * size);
    if (!p)
        return false;
    *(void **)array = p;
    *cap = new_cap;
    return true;
}

frm_code frm_dataset_new(frm_dataset **out, frm_dedupe dedupe, frm_error *err)
{
    frm_dataset *ds = calloc(1, sizeof *ds);
    *out = ds;
    if (!ds)
        return frmi_nomem(err);
    ds->dedupe = dedupe;
    frmi_pool_init(&ds->names);
    frmi_map_init(&ds->config_by_name);
    frmi_map_init(&ds->model_by_name);
    frmi_map_init(&ds->entry_by_key);
    return FRM_OK;
}

void frm_dataset_free(frm_dataset *ds)
{
    if (!ds)
        return;
    frmi_pool_release(&ds->names);
    frmi_map_release(&ds->config_by_name);
    frmi_map_release(&ds->model_by_name);
    frmi_map_release(&ds->entry_by_key);
    free(ds->entries);
    free(ds->configs);
    free(ds->config_origin);
    free(ds->model_names);
    free(ds->files);
    free(ds->disputes);
    free(ds);
}

size_t frm_dataset_size(const frm_dataset *ds) { return ds->n_entries; }
size_t frm_dataset_n_configs(const frm_dataset *ds) { return ds->n_configs; }
size_t frm_dataset_n_models(const frm_dataset *ds) { return ds->n_models; }
size_t frm_dataset_n_error_records(const frm_dataset *ds) { return ds->n_error_records; }
size_t frm_dataset_n_predicted(const frm_dataset *ds) { return ds->n_predicted; }
void frm_dataset_keep_predicted(frm_dataset *ds, bool keep) { ds->keep_predicted = keep; }
size_t frm_dataset_n_rejected(const frm_dataset *ds) { return ds->n_rejected; }

const frm_entry *frm_dataset_entry(const frm_dataset *ds, size_t i)
{
    return i < ds->n_entries ? &ds->entries[i] : NULL;
}

const frm_config *frm_dataset_config(const frm_dataset *ds, size_t i)
{
    return i < ds->n_configs ? &ds->configs[i] : NULL;
}

const char *frm_dataset_model_name(const frm_dataset *ds, uint32_t model_id)
{
    return model_id < ds->n_models ? frmi_pool_str(&ds->names, ds->model_names[model_id]) : NULL;
}

const char *frm_dataset_file(const frm_dataset *ds, uint32_t file_index)
{
    return file_index < ds->n_files ? frmi_pool_str(&ds->names, ds->files[file_index]) : NULL;
}

static frm_code add_file(frm_dataset *ds, const char *file, uint32_t *index, frm_error *err)
{
    uint32_t id = frmi_pool_intern(&ds->names, file);
    if (id == FRMI_NONE)
        return frmi_nomem(err);
    for (size_t i = ds->n_files; i-- > 0;) {
        if (ds->files[i] == id) {
            *index = (uint32_t)i;
            return FRM_OK;
        }
    }
    if (!grow(&ds->files, &ds->cap_files, ds->n_files, sizeof *ds->files))
        return frmi_nomem(err);
    ds->files[ds->n_files] = id;
    *index = (uint32_t)ds->n_files++;
    return FRM_OK;
}

static frm_code intern(frm_dataset *ds, const char *s, const char **out, uint32_t *id,
                       frm_error *err)
{
    *id = frmi_pool_intern(&ds->names, s);
    if (*id == FRMI_NONE)
        return frmi_nomem(err);
    *out = frmi_pool_str(&ds->names, *id);
    return FRM_OK;
}

static frm_code model_id_of(frm_dataset *ds, const char *name, const char **interned,
                            uint32_t *model_id, frm_error *err)
{
    uint32_t id;
    frm_code rc = intern(ds, name, interned, &id, err);
    if (rc != FRM_OK)
        return rc;
    uint64_t *found = frmi_map_get(&ds->model_by_name, (uint64_t)id + 1);
    if (found) {
        *model_id = (uint32_t)*found;
        return FRM_OK;
    }
    if (!grow(&ds->model_names, &ds->cap_models, ds->n_models, sizeof *ds->model_names) ||
        frmi_map_put(&ds->model_by_name, (uint64_t)id + 1, ds->n_models) != FRM_OK)
        return frmi_nomem(err);
    ds->model_names[ds->n_models] = id;
    *model_id = (uint32_t)ds->n_models++;
    return FRM_OK;
}

static const char *place(const frm_dataset *ds, origin o, char buf[], size_t size)
{
    snprintf(buf, size, "%s:%" PRIu64, frm_dataset_file(ds, o.file_index), o.line);
    return buf;
}

/* Checks that a record agrees with what its config_id already says. */
static frm_code check_config(const frm_dataset *ds, size_t c, const frm_record *rec,
                             origin here, frm_error *err)
{
    const frm_config *cfg = &ds->configs[c];
    const char *field = NULL, *was = NULL, *now = NULL;
    if (strcmp(cfg->device, rec->device) != 0)
        field = "device", was = cfg->device, now = rec->device;
    else if (strcmp(cfg->framework, rec->framework) != 0)
        field = "framework", was = cfg->framework, now = rec->framework;
    else if (cfg->tier != rec->tier)
        field = "tier", was = frm_tier_name(cfg->tier), now = frm_tier_name(rec->tier);
    if (!field)
        return FRM_OK;
    char a[300], b[300];
    return frmi_fail(err, FRM_E_CONFLICT,
                     "%s: configuration '%s' has %s '%s' here but '%s' at %s", place(ds, here, a, sizeof a),
                     cfg->config_id, field, now, was, place(ds, ds->config_origin[c], b, sizeof b));
}

static frm_code config_index_of(frm_dataset *ds, const frm_record *rec, origin here,
                                uint32_t *index, bool *conflict, frm_error *err)
{
    *conflict = false;
    uint32_t id;
    const char *config_id = NULL;
    frm_code rc = intern(ds, rec->config_id, &config_id, &id, err);
    if (rc != FRM_OK)
        return rc;
    uint64_t *found = frmi_map_get(&ds->config_by_name, (uint64_t)id + 1);
    if (found) {
        *index = (uint32_t)*found;
        rc = check_config(ds, *index, rec, here, err);
        *conflict = rc == FRM_E_CONFLICT;
        return rc;
    }
    frm_config cfg = {.config_id = config_id, .tier = rec->tier};
    uint32_t unused;
    if ((rc = intern(ds, rec->device, &cfg.device, &unused, err)) != FRM_OK ||
        (rc = intern(ds, rec->framework, &cfg.framework, &unused, err)) != FRM_OK)
        return rc;
    if (!grow(&ds->configs, &ds->cap_configs, ds->n_configs, sizeof *ds->configs) ||
        !grow(&ds->config_origin, &ds->cap_origins, ds->n_configs, sizeof *ds->config_origin) ||
        frmi_map_put(&ds->config_by_name, (uint64_t)id + 1, ds->n_configs) != FRM_OK)
        return frmi_nomem(err);
    ds->configs[ds->n_configs] = cfg;
    ds->config_origin[ds->n_configs] = here;
    *index = (uint32_t)ds->n_configs++;
    return FRM_OK;
}

static frm_code insert_entry(frm_dataset *ds, const frm_entry *e, origin here, frm_error *err);

/* Holds a record that disputes its configuration's device, framework or tier. */
static frm_code hold_disputed(frm_dataset *ds, const frm_record *rec, frm_entry *e,
                              frm_error *err)
{
    disputed d = {.entry = *e, .says = {.tier = rec->tier}};
    uint32_t unused;
    frm_code rc;
    /* the model gets its id only if the record is kept */
    if ((rc = intern(ds, rec->model, &d.entry.model, &unused, err)) != FRM_OK ||
        (rc = intern(ds, rec->device, &d.says.device, &unused, err)) != FRM_OK ||
        (rc = intern(ds, rec->framework, &d.says.framework, &unused, err)) != FRM_OK)
        return rc;
    d.entry.config_id = ds->configs[d.entry.config_index].config_id;
    if (!grow(&ds->disputes, &ds->cap_disputes, ds->n_disputes, sizeof *ds->disputes))
        return frmi_nomem(err);
    ds->disputes[ds->n_disputes++] = d;
    return FRM_OK;
}

/* Adds `rec`, read at `here` (its file already registered). */
static frm_code add_record(frm_dataset *ds, const frm_record *rec, origin here, bool defer,
                           frm_error *err)
{
    const char *file = frm_dataset_file(ds, here.file_index);
    uint64_t line = here.line;
    frm_code rc;
    if (!rec->ok) {
        ds->n_error_records++;
        return FRM_OK;
    }
    /* a prediction is no measurement: analysed only when asked for */
    if (!ds->keep_predicted && rec->source && strncmp(rec->source, "predict:", 8) == 0) {
        ds->n_predicted++;
        return FRM_OK;
    }
    if (!rec->model || !rec->config_id || !rec->device || !rec->framework ||
        rec->tier == FRM_TIER_UNKNOWN)
        return frmi_fail(err, FRM_E_FIELD, "%s:%" PRIu64 ": record lacks model, config_id, "
                         "device, framework or tier", file, line);

    frm_entry e = {
        .latency_ms = rec->latency_ms.median, .batch = rec->batch,
        .memory_mb = rec->memory_mb.peak, .energy_mj = rec->energy_mj,
        .macs = rec->macs, .flops = rec->flops, .params = rec->params,
        .accuracy_top1 = rec->accuracy_top1, .file_index = here.file_index, .line = line,
    };
    bool conflict;
    rc = config_index_of(ds, rec, here, &e.config_index, &conflict, err);
    if (conflict && defer)
        return hold_disputed(ds, rec, &e, err);
    if (rc != FRM_OK || (rc = model_id_of(ds, rec->model, &e.model, &e.model_id, err)) != FRM_OK)
        return rc;
    e.config_id = ds->configs[e.config_index].config_id;
    return insert_entry(ds, &e, here, err);
}

static frm_code insert_entry(frm_dataset *ds, const frm_entry *entry, origin here, frm_error *err)
{
    frm_entry e = *entry;
    uint64_t key = ((uint64_t)e.config_index + 1) << 32 | e.model_id;
    uint64_t *existing = frmi_map_get(&ds->entry_by_key, key);
    if (existing) {
        frm_entry *old = &ds->entries[*existing];
        char a[300], b[300];
        switch (ds->dedupe) {
        case FRM_DEDUPE_FIRST:
            return FRM_OK;
        case FRM_DEDUPE_LAST:
            *old = e;
            return FRM_OK;
        case FRM_DEDUPE_ERROR:
            break;
        }
        return frmi_fail(err, FRM_E_DUPLICATE,
                         "%s: duplicate record for model '%s' in configuration '%s' "
                         "(first at %s)", place(ds, here, a, sizeof a), e.model, e.config_id,
                         place(ds, (origin){old->file_index, old->line}, b, sizeof b));
    }
    if (!grow(&ds->entries, &ds->cap_entries, ds->n_entries, sizeof *ds->entries) ||
        frmi_map_put(&ds->entry_by_key, key, ds->n_entries) != FRM_OK)
        return frmi_nomem(err);
    ds->entries[ds->n_entries++] = e;
    return FRM_OK;
}

frm_code frm_dataset_add(frm_dataset *ds, const frm_record *rec, const char *file,
                         uint64_t line, frm_error *err)
{
    origin here = {0, line};
    frm_code rc = add_file(ds, file, &here.file_index, err);
    return rc != FRM_OK ? rc : add_record(ds, rec, here, false, err);
}

static bool same_side(const frm_config *a, const frm_config *b)
{
    return a->device == b->device && a->framework == b->framework && a->tier == b->tier;
}

/* Drops the entries for which `drop` is true and re-keys the rest. */
static frm_code compact_entries(frm_dataset *ds, const bool *drop, frm_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->n_entries; i++)
        if (!drop[i])
            ds->entries[n++] = ds->entries[i];
    ds->n_entries = n;
    frmi_map_release(&ds->entry_by_key);
    frmi_map_init(&ds->entry_by_key);
    for (size_t i = 0; i < n; i++) {
        const frm_entry *e = &ds->entries[i];
        if (frmi_map_put(&ds->entry_by_key, ((uint64_t)e->config_index + 1) << 32 | e->model_id,
                         i) != FRM_OK)
            return frmi_nomem(err);
    }
    return FRM_OK;
}

typedef struct reject_ctx {
    frm_dataset *ds;
    frm_diag_fn diag;
    void *ctx;
    size_t n;
} reject_ctx;

/* Reports one record of the minority side of configuration c. */
static void reject(reject_ctx *r, const frm_entry *e, const frm_config *says, size_t c,
                   size_t n_majority, size_t n_total)
{
    frm_dataset *ds = r->ds;
    const frm_config *cfg = &ds->configs[c];
    const char *field = says->device != cfg->device ? "device"
                        : says->framework != cfg->framework ? "framework" : "tier";
    const char *now = says->device != cfg->device ? says->device
                      : says->framework != cfg->framework ? says->framework
                      : frm_tier_name(says->tier);
    const char *was = says->device != cfg->device ? cfg->device
                      : says->framework != cfg->framework ? cfg->framework
                      : frm_tier_name(cfg->tier);
    char a[300];
    frm_error e_out;
    frmi_fail(&e_out, FRM_E_CONFLICT, "%s: configuration '%s' has %s '%s' here but '%s' in %zu "
              "of its %zu records: this record is left out", place(ds, (origin){e->file_index,
              e->line}, a, sizeof a), cfg->config_id, field, now, was, n_majority, n_total);
    r->n++;
    ds->n_rejected++;
    if (r->diag)
        r->diag(r->ctx, &e_out);
}

/*
 * Settles the disputes of a load: per configuration, the device,
 * framework and tier that most of its records give win (the first seen on
 * a tie), and every record that says otherwise is rejected, whether it was
 * read before or after the others.  One odd record costs one record, not
 * the configuration.  `*n_rejected` says how many were rejected.
 */
static frm_code settle_disputes(frm_dataset *ds, frm_diag_fn diag, void *ctx, size_t *n_rejected,
                                frm_error *err)
{
    reject_ctx r = {ds, diag, ctx, 0};
    frm_code rc = FRM_OK;
    bool *drop = NULL;
    for (size_t i = 0; rc == FRM_OK && i < ds->n_disputes; i++) {
        if (ds->disputes[i].settled)
            continue;
        size_t c = ds->disputes[i].entry.config_index;
        size_t n_current = 0;
        for (size_t k = 0; k < ds->n_entries; k++)
            n_current += ds->entries[k].config_index == c;
        frm_config best = ds->configs[c];
        size_t best_n = n_current, total = n_current;
        for (size_t j = i; j < ds->n_disputes; j++) {
            const disputed *d = &ds->disputes[j];
            if (d->entry.config_index != c)
                continue;
            total++;
            size_t votes = 0;
            for (size_t k = i; k < ds->n_disputes; k++)
                votes += ds->disputes[k].entry.config_index == c &&
                         same_side(&ds->disputes[k].says, &d->says);
            if (votes > best_n) {
                best_n = votes;
                best = d->says;
            }
        }
        if (!same_side(&best, &ds->configs[c])) {
            /* the first records were the odd ones: they go, and the configuration changes side */
            frm_config old = ds->configs[c];
            ds->configs[c].device = best.device;
            ds->configs[c].framework = best.framework;
            ds->configs[c].tier = best.tier;
            if (!drop && !(drop = calloc(ds->n_entries ? ds->n_entries : 1, sizeof *drop))) {
                rc = frmi_nomem(err);
                break;
            }
            for (size_t k = 0; k < ds->n_entries; k++)
                if (ds->entries[k].config_index == c) {
                    drop[k] = true;
                    reject(&r, &ds->entries[k], &old, c, best_n, total);
                }
        }
        for (size_t j = i; j < ds->n_disputes; j++) {
            disputed *d = &ds->disputes[j];
            if (d->entry.config_index != c)
                continue;
            d->settled = true;
            d->wins = same_side(&d->says, &ds->configs[c]);
            if (!d->wins)
                reject(&r, &d->entry, &d->says, c, best_n, total);
        }
    }
    if (rc == FRM_OK && drop)
        rc = compact_entries(ds, drop, err);
    free(drop);
    /* the winners join only now, so that the entries they replace are gone */
    for (size_t i = 0; rc == FRM_OK && i < ds->n_disputes; i++) {
        const disputed *d = &ds->disputes[i];
        if (!d->wins)
            continue;
        frm_error e;
        frm_entry entry = d->entry;
        frm_code one = model_id_of(ds, entry.model, &entry.model, &entry.model_id, &e);
        if (one == FRM_OK)
            one = insert_entry(ds, &entry, (origin){entry.file_index, entry.line}, &e);
        if (one == FRM_E_NOMEM) {
            rc = frmi_fail(err, one, "%s", e.message);
        } else if (one != FRM_OK) {
            r.n++;
            ds->n_rejected++;
            if (diag)
                diag(ctx, &e);
        }
    }
    ds->n_disputes = 0;
    *n_rejected = r.n;
    return rc;
}

frm_code frm_dataset_load(frm_dataset *ds, const char *path, frm_diag_fn diag, void *ctx,
                          frm_error *err)
{
    frm_reader *r;
    frm_code rc = frm_reader_open(&r, path, err);
    if (rc != FRM_OK)
        return rc;
    origin here = {0, 0};
    if ((rc = add_file(ds, path, &here.file_index, err)) != FRM_OK) {
        frm_reader_close(r);
        return rc;
    }
    frm_code first_bad = FRM_OK;
    size_t n_bad = 0;
    for (;;) {
        const frm_record *rec;
        frm_error e;
        rc = frm_reader_next(r, &rec, &e);
        if (rc == FRM_OK && !rec)
            break;
        if (rc == FRM_OK) {
            here.line = frm_reader_line(r);
            rc = add_record(ds, rec, here, true, &e);
        }
        if (rc == FRM_E_NOMEM || rc == FRM_E_IO) {
            frm_reader_close(r);
            ds->n_disputes = 0;
            return frmi_fail(err, rc, "%s", e.message);
        }
        if (rc != FRM_OK) {
            n_bad++;
            ds->n_rejected++;
            if (first_bad == FRM_OK)
                first_bad = rc;
            if (diag)
                diag(ctx, &e);
        }
    }
    frm_reader_close(r);
    size_t n_disputed = 0;
    if ((rc = settle_disputes(ds, diag, ctx, &n_disputed, err)) != FRM_OK)
        return rc;
    n_bad += n_disputed;
    if (n_disputed && first_bad == FRM_OK)
        first_bad = FRM_E_CONFLICT;
    if (first_bad != FRM_OK)
        return frmi_fail(err, first_bad, "%s: %zu bad record%s", path, n_bad, n_bad == 1 ? "" : "s");
    return FRM_OK;
}
