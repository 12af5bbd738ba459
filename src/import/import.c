/*
 * import/import.c - what every foreign format shares: the importer that
 * collects records, row errors under --skip-bad, and completing a record.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "frm/version.h"
#include "frm/zoo.h"
#include "import/import.h"
#include "util/csv.h"
#include "util/pool.h"

static void count_reason(frmi_importer *im, const char *reason);

/* A format reads either one file's text (fn) or a tree it walks itself (path_fn). */
static const struct {
    const char *name;
    frmi_import_fn fn;
    frmi_import_path_fn path_fn;
} formats[FRMI_IMPORT_N_FORMATS] = {
    [FRMI_IMPORT_TIMM] = {"timm", frmi_import_timm, NULL},
    [FRMI_IMPORT_TFLITE] = {"tflite", frmi_import_tflite, NULL},
    [FRMI_IMPORT_ORT_PERF] = {"ort-perf", frmi_import_ort_perf, NULL},
    [FRMI_IMPORT_CSV] = {"csv", frmi_import_table, NULL},
    [FRMI_IMPORT_AIHUB] = {"aihub", NULL, frmi_import_aihub},
    [FRMI_IMPORT_NCNN] = {"ncnn", frmi_import_ncnn, NULL},
};

const char *frmi_import_format_name(frmi_import_format f)
{
    return (unsigned)f < FRMI_IMPORT_N_FORMATS ? formats[f].name : "unknown";
}

bool frmi_import_format_parse(const char *name, frmi_import_format *out)
{
    for (int f = 0; f < FRMI_IMPORT_N_FORMATS; f++)
        if (strcmp(name, formats[f].name) == 0) {
            *out = (frmi_import_format)f;
            return true;
        }
    return false;
}

bool frmi_size_policy_parse(const char *name, frmi_size_policy *out)
{
    static const char *const names[] = {"suffix", "default", "max", "all"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (frmi_size_policy)i;
            return true;
        }
    return false;
}

static const char *const field_names[FRMI_FIELD_N] = {
    [FRMI_FIELD_MODEL] = "model",
    [FRMI_FIELD_DEVICE] = "device",
    [FRMI_FIELD_TIER] = "tier",
    [FRMI_FIELD_FRAMEWORK] = "framework",
    [FRMI_FIELD_FRAMEWORK_VERSION] = "framework_version",
    [FRMI_FIELD_CONFIG_ID] = "config_id",
    [FRMI_FIELD_PRECISION] = "precision",
    [FRMI_FIELD_BATCH] = "batch",
    [FRMI_FIELD_THREADS] = "threads",
    [FRMI_FIELD_LATENCY] = "latency",
    [FRMI_FIELD_LATENCY_MEAN] = "latency_mean",
    [FRMI_FIELD_LATENCY_STDEV] = "latency_stdev",
    [FRMI_FIELD_LATENCY_MIN] = "latency_min",
    [FRMI_FIELD_LATENCY_MAX] = "latency_max",
    [FRMI_FIELD_LATENCY_P90] = "latency_p90",
    [FRMI_FIELD_LATENCY_P95] = "latency_p95",
    [FRMI_FIELD_LATENCY_P99] = "latency_p99",
    [FRMI_FIELD_MEMORY] = "memory",
    [FRMI_FIELD_ENERGY] = "energy",
    [FRMI_FIELD_MACS] = "macs",
    [FRMI_FIELD_FLOPS] = "flops",
    [FRMI_FIELD_PARAMS] = "params",
    [FRMI_FIELD_ACCURACY] = "accuracy",
};

const char *frmi_field_name(frmi_field f)
{
    return (unsigned)f < FRMI_FIELD_N ? field_names[f] : "unknown";
}

frmi_field frmi_field_parse(const char *name)
{
    for (int f = 0; f < FRMI_FIELD_N; f++)
        if (strcmp(name, field_names[f]) == 0)
            return (frmi_field)f;
    return FRMI_FIELD_N;
}

struct frmi_importer {
    const frmi_import_options *opts;
    frm_diag_fn diag;
    void *ctx;
    frmi_import_format format;     /* of the file being read */
    frmi_pool strings;             /* every string the records point to */
    frm_record *records;
    struct origin {
        const char *path;          /* interned */
        uint64_t line;
        const char *aliased_from;  /* interned: the source's name when an alias renamed it */
    } *origins;                    /* where each record came from */
    size_t n_records, cap_records;
    size_t n_skipped, n_entries;
    struct reason {
        const char *text;          /* interned */
        size_t count;
    } *reasons;
    size_t n_reasons, cap_reasons;
    struct counted {
        const frm_zoo_info *zoo;
        int resolution;
        double macs, params;       /* NaN when rc is not FRM_OK */
        frm_code rc;
    } *counted;                    /* the zoo's counts at other sizes, computed once */
    size_t n_counted, cap_counted;
    frmi_import_state state;
};

frm_code frmi_importer_new(const frmi_import_options *opts, frm_diag_fn diag, void *ctx,
                           frmi_importer **out, frm_error *err)
{
    frmi_importer *im = calloc(1, sizeof *im);
    if (!im)
        return frmi_nomem(err);
    im->opts = opts;
    im->diag = diag;
    im->ctx = ctx;
    frmi_pool_init(&im->strings);
    *out = im;
    return FRM_OK;
}

void frmi_importer_free(frmi_importer *im)
{
    if (!im)
        return;
    if (im->state.release)
        im->state.release(im->state.data);
    frmi_pool_release(&im->strings);
    free(im->reasons);
    free(im->counted);
    free(im->records);
    free(im->origins);
    free(im);
}

frmi_import_state *frmi_importer_state(frmi_importer *im)
{
    return &im->state;
}

/*
 * The name record i had before an alias renamed it, with whatever the
 * format appended to the canonical name since ("@288" for timm's other
 * input sizes); NULL when memory ran out.
 */
static const char *unaliased_name(frmi_importer *im, size_t i)
{
    const frm_record *r = &im->records[i];
    const char *at = strchr(r->model, '@');
    char name[512];
    snprintf(name, sizeof name, "%s%s", im->origins[i].aliased_from, at ? at : "");
    return frmi_importer_keep(im, name);
}

static uint64_t record_key(frmi_importer *im, size_t i)
{
    const frm_record *r = &im->records[i];
    uint32_t cid = frmi_pool_find(&im->strings, r->config_id);
    uint32_t mid = frmi_pool_find(&im->strings, r->model);
    return ((uint64_t)cid + 1) << 32 | mid;
}

/*
 * Two records for one (config_id, model) would make the output unreadable
 * as a dataset.  When an alias made them one (timm's older tables measure
 * tv_resnet50 beside resnet50: two weights, one architecture), the name as
 * measured wins and the aliased record keeps its own spelling, with a
 * notice; otherwise (a table that repeats a row) it is an error and the
 * first is kept.
 */
static frm_code check_duplicates(frmi_importer *im, frm_error *err)
{
    frmi_map seen;
    frmi_map_init(&seen);
    bool *keep = malloc((im->n_records ? im->n_records : 1) * sizeof *keep);
    frm_code rc = keep ? FRM_OK : frmi_nomem(err);
    size_t n_dropped = 0;
    for (size_t i = 0; rc == FRM_OK && i < im->n_records; i++) {
        keep[i] = true;
        uint64_t key = record_key(im, i);
        const uint64_t *first = frmi_map_get(&seen, key);
        if (!first) {
            rc = frmi_map_put(&seen, key, i) == FRM_OK ? FRM_OK : frmi_nomem(err);
            continue;
        }
        size_t earlier = (size_t)*first, dup = i, original = earlier;
        /* the aliased one of the two gives way; the later one when both are */
        size_t renamed = im->origins[i].aliased_from ? i
                         : im->origins[earlier].aliased_from ? earlier : SIZE_MAX;
        if (renamed != SIZE_MAX) {
            frm_record *r = &im->records[renamed];
            const char *canonical = r->model, *own = unaliased_name(im, renamed);
            if (!own) {
                rc = frmi_nomem(err);
                break;
            }
            r->model = own;
            im->origins[renamed].aliased_from = NULL;
            frmi_import_notice(im, "%s:%llu: '%s' is measured in configuration '%s' under that "
                               "name too; this record keeps its own, '%s'",
                               im->origins[renamed].path,
                               (unsigned long long)im->origins[renamed].line, canonical,
                               r->config_id, own);
            if (renamed == earlier && frmi_map_put(&seen, key, i) != FRM_OK) {
                rc = frmi_nomem(err);
                break;
            }
            uint64_t own_key = record_key(im, renamed);
            const uint64_t *other = frmi_map_get(&seen, own_key);
            if (!other) {
                rc = frmi_map_put(&seen, own_key, renamed) == FRM_OK ? FRM_OK : frmi_nomem(err);
                continue;
            }
            dup = renamed;         /* its own spelling is taken too: a true repeat */
            original = (size_t)*other;
        }
        const struct origin *o = &im->origins[original], *here = &im->origins[dup];
        keep[dup] = false;
        n_dropped++;
        rc = frmi_import_bad(im, err, FRM_E_DUPLICATE, here->path, here->line, 0,
                             "model '%s' again in configuration '%s' (first at %s:%llu); two "
                             "names that mean one model? see --aliases", im->records[dup].model,
                             im->records[dup].config_id, o->path, (unsigned long long)o->line);
    }
    if (rc == FRM_OK && n_dropped)
        frmi_importer_compact(im, keep);
    free(keep);
    frmi_map_release(&seen);
    return rc;
}

frm_code frmi_importer_finish(frmi_importer *im, frm_error *err)
{
    frm_code rc = im->state.finish ? im->state.finish(im, im->state.data, err) : FRM_OK;
    return rc == FRM_OK ? check_duplicates(im, err) : rc;
}

frm_record *frmi_importer_record_at(frmi_importer *im, size_t i)
{
    return &im->records[i];
}

const char *frmi_importer_keep(frmi_importer *im, const char *s)
{
    uint32_t id = frmi_pool_intern(&im->strings, s);
    return id == FRMI_NONE ? NULL : frmi_pool_str(&im->strings, id);
}

void frmi_importer_compact(frmi_importer *im, const bool *keep)
{
    size_t n = 0;
    for (size_t i = 0; i < im->n_records; i++)
        if (keep[i]) {
            im->origins[n] = im->origins[i];
            im->records[n++] = im->records[i];
        }
    im->n_records = n;
}

/* Drops the records from `count` on: those of a file that failed. */
static void truncate_records(frmi_importer *im, size_t count)
{
    if (count < im->n_records)
        im->n_records = count;
}

size_t frmi_importer_count(const frmi_importer *im)
{
    return im->n_records;
}

const frm_record *frmi_importer_record(const frmi_importer *im, size_t i)
{
    return &im->records[i];
}

size_t frmi_importer_n_skipped(const frmi_importer *im)
{
    return im->n_skipped;
}

size_t frmi_importer_n_reasons(const frmi_importer *im)
{
    return im->n_reasons;
}

const char *frmi_importer_reason(const frmi_importer *im, size_t i, size_t *count)
{
    if (count)
        *count = im->reasons[i].count;
    return im->reasons[i].text;
}

size_t frmi_importer_n_entries(const frmi_importer *im)
{
    return im->n_entries;
}

size_t frmi_importer_n_without_macs(const frmi_importer *im)
{
    size_t n = 0;
    for (size_t i = 0; i < im->n_records; i++)
        n += isnan(im->records[i].macs);
    return n;
}

void frmi_import_tally(frmi_importer *im, const char *reason)
{
    count_reason(im, reason);
}

void frmi_import_entry(frmi_importer *im)
{
    im->n_entries++;
}

const frmi_import_options *frmi_importer_options(const frmi_importer *im)
{
    return im->opts;
}

frm_code frmi_import_file(frmi_importer *im, frmi_import_format format, const char *path,
                          frm_error *err)
{
    if ((unsigned)format >= FRMI_IMPORT_N_FORMATS)
        return frmi_fail(err, FRM_E_ARGUMENT, "unknown import format %d", (int)format);
    im->format = format;
    size_t kept = im->n_records;
    if (formats[format].path_fn) {
        frm_code rc = formats[format].path_fn(im, path, err);
        if (rc != FRM_OK)
            truncate_records(im, kept);
        return rc;
    }
    char *text = NULL;
    size_t len = 0;
    frm_code rc = frmi_read_file(path, &text, &len, err);
    if (rc != FRM_OK)
        return rc;
    rc = formats[format].fn(im, path, text, len, err);
    if (rc != FRM_OK)
        truncate_records(im, kept);
    free(text);
    return rc;
}

static void vplace(frm_error *e, frm_code code, const char *path, uint64_t line, unsigned column,
                   const char *fmt, va_list ap) FRMI_PRINTF(6, 0);

static void vplace(frm_error *e, frm_code code, const char *path, uint64_t line, unsigned column,
                   const char *fmt, va_list ap)
{
    char where[300], what[FRM_ERROR_SIZE];
    if (column)
        snprintf(where, sizeof where, "%s:%llu:%u", path, (unsigned long long)line, column);
    else
        snprintf(where, sizeof where, "%s:%llu", path, (unsigned long long)line);
    vsnprintf(what, sizeof what, fmt, ap);
    frmi_fail(e, code, "%s: %s", where, what);
}

/*
 * Counts one more entry under `reason`.  Reasons are few (a format has a
 * handful), so a linear search is the right size.  When memory runs out
 * the entry is still counted in n_skipped, only not under its reason.
 */
static void count_reason(frmi_importer *im, const char *reason)
{
    for (size_t i = 0; i < im->n_reasons; i++)
        if (strcmp(im->reasons[i].text, reason) == 0) {
            im->reasons[i].count++;
            return;
        }
    if (im->n_reasons == im->cap_reasons) {
        size_t cap = im->cap_reasons ? im->cap_reasons * 2 : 8;
        struct reason *grown = realloc(im->reasons, cap * sizeof *grown);
        if (!grown)
            return;
        im->reasons = grown;
        im->cap_reasons = cap;
    }
    const char *kept = frmi_importer_keep(im, reason);
    if (kept)
        im->reasons[im->n_reasons++] = (struct reason){kept, 1};
}

static void skipped(frmi_importer *im, const char *reason, const frm_error *e)
{
    im->n_skipped++;
    count_reason(im, reason);
    if (im->diag)
        im->diag(im->ctx, e);
}

frm_code frmi_import_bad(frmi_importer *im, frm_error *err, frm_code code, const char *path,
                         uint64_t line, unsigned column, const char *fmt, ...)
{
    frm_error e;
    va_list ap;
    va_start(ap, fmt);
    vplace(&e, code, path, line, column, fmt, ap);
    va_end(ap);
    if (!im->opts->skip_bad) {
        if (err)
            *err = e;
        return code;
    }
    skipped(im, "bad entry (--skip-bad)", &e);
    return FRM_OK;
}

void frmi_import_skip(frmi_importer *im, const char *reason, const char *path, uint64_t line,
                      unsigned column, const char *fmt, ...)
{
    frm_error e;
    va_list ap;
    va_start(ap, fmt);
    vplace(&e, FRM_E_VALUE, path, line, column, fmt, ap);
    va_end(ap);
    skipped(im, reason, &e);
}

void frmi_import_skip_entry(frmi_importer *im, const char *reason, const char *where,
                            const char *fmt, ...)
{
    frm_error e;
    char what[FRM_ERROR_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    frmi_fail(&e, FRM_E_SKIPPED, "%s: %s", where, what);
    skipped(im, reason, &e);
}

void frmi_import_notice(frmi_importer *im, const char *fmt, ...)
{
    if (!im->diag)
        return;
    frm_error e;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    e.code = FRM_OK;
    im->diag(im->ctx, &e);
}

void frmi_import_row_init(frmi_import_row *row)
{
    memset(row, 0, sizeof *row);
    frm_record_init(&row->rec);
    frmi_buf_init(&row->config);
}

void frmi_import_row_release(frmi_import_row *row)
{
    frmi_buf_release(&row->config);
}

/* Keys are written as given: the reader sorts them when it reads the line back. */
static void config_key(frmi_import_row *row, const char *key)
{
    frmi_jsonw w;
    frmi_jsonw_init(&w, &row->config, false);
    if (row->config.len)
        frmi_buf_puts(&row->config, ",");
    frmi_jsonw_string(&w, key);
    frmi_buf_puts(&row->config, ":");
}

void frmi_import_config_string(frmi_import_row *row, const char *key, const char *value)
{
    if (!value)
        return;
    config_key(row, key);
    frmi_jsonw w;
    frmi_jsonw_init(&w, &row->config, false);
    frmi_jsonw_string(&w, value);
}

void frmi_import_config_number(frmi_import_row *row, const char *key, double value)
{
    if (isnan(value))
        return;
    config_key(row, key);
    frmi_jsonw w;
    frmi_jsonw_init(&w, &row->config, false);
    frmi_jsonw_number(&w, value);
}

/*
 * The zoo's counts of `zoo` at input size `resolution`, computed once per
 * (model, size) in a run.  FRM_E_ARGUMENT when the architecture cannot
 * take that size.
 */
static frm_code zoo_counts(frmi_importer *im, const frm_zoo_info *zoo, int resolution,
                           double *macs, double *params, frm_error *err)
{
    if (resolution == zoo->resolution) {
        *macs = (double)zoo->macs;
        *params = (double)zoo->params;
        return FRM_OK;
    }
    for (size_t i = 0; i < im->n_counted; i++)
        if (im->counted[i].zoo == zoo && im->counted[i].resolution == resolution) {
            *macs = im->counted[i].macs;
            *params = im->counted[i].params;
            return im->counted[i].rc;
        }
    frm_zoo_counts c;
    frm_error why;
    frm_code rc = frm_zoo_counts_at(zoo->name, resolution, &c, &why);
    if (rc == FRM_E_NOMEM)
        return frmi_nomem(err);
    if (im->n_counted == im->cap_counted) {
        size_t cap = im->cap_counted ? im->cap_counted * 2 : 8;
        struct counted *grown = realloc(im->counted, cap * sizeof *grown);
        if (!grown)
            return frmi_nomem(err);
        im->counted = grown;
        im->cap_counted = cap;
    }
    *macs = rc == FRM_OK ? (double)c.macs : NAN;
    *params = rc == FRM_OK ? (double)c.params : NAN;
    im->counted[im->n_counted++] = (struct counted){zoo, resolution, *macs, *params, rc};
    if (rc != FRM_OK)
        frmi_import_notice(im, "no MACs for %s at %dx%d: %s", zoo->name, resolution, resolution,
                           why.message);
    return rc;
}

/*
 * MACs and parameters of a row that has none, and where they came from
 * (config.macs_source): --macs N, then --macs FILE, then the zoo's counts
 * for the paper's models at the size measured.  A deferred row completes
 * its own.  A model none of them knows keeps no MACs.
 */
static frm_code fill_counts(frmi_importer *im, frmi_import_row *row, frm_error *err)
{
    const frmi_import_options *o = im->opts;
    frm_record *r = &row->rec;
    if (row->deferred || !isnan(r->macs) || !r->model)
        return FRM_OK;
    double macs = NAN, params = NAN;
    char how[64] = "";
    const frm_zoo_info *zoo = frm_zoo_find(r->model);
    int size = row->resolution ? row->resolution : zoo ? zoo->resolution : 0;
    if (!isnan(o->macs)) {
        macs = o->macs;
        snprintf(how, sizeof how, "--macs");
    } else if (o->macs_table &&
               !isnan(macs = frmi_macs_lookup(o->macs_table, r->model, row->resolution, &params))) {
        snprintf(how, sizeof how, "--macs FILE");
    } else if (zoo && (row->resolution || !row->counts_need_resolution)) {
        frm_code rc = zoo_counts(im, zoo, size, &macs, &params, err);
        if (rc == FRM_E_NOMEM)
            return rc;
        if (rc == FRM_OK)
            snprintf(how, sizeof how, "frm-zoo@%d", size);
    }
    r->macs = macs;
    if (isnan(r->params))
        r->params = !isnan(o->params) ? o->params : params;
    if (*how)
        frmi_import_config_string(row, "macs_source", how);
    return FRM_OK;
}

/* Replaces *s by an interned copy (NULL stays NULL); false when memory ran out. */
static bool keep(frmi_importer *im, const char **s)
{
    return !*s || (*s = frmi_importer_keep(im, *s)) != NULL;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool positive(double v)
{
    return isfinite(v) && v > 0;
}

/* Keeps a complete record: its strings interned, where it came from noted. */
static frm_code store(frmi_importer *im, frm_record *r, const char *path, uint64_t line,
                      const char *config_json, const char *alias, frm_error *err)
{
    char source[300];
    snprintf(source, sizeof source, "import:%s:%s", frmi_import_format_name(im->format),
             base_name(path));
    r->config_json = config_json;
    r->source = source;
    r->frm_version = FRM_VERSION;
    r->ok = true;

    if (im->n_records == im->cap_records) {
        size_t cap = im->cap_records ? im->cap_records * 2 : 256;
        frm_record *grown = realloc(im->records, cap * sizeof *grown);
        if (!grown)
            return frmi_nomem(err);
        im->records = grown;
        struct origin *grown_origins = realloc(im->origins, cap * sizeof *grown_origins);
        if (!grown_origins)
            return frmi_nomem(err);
        im->origins = grown_origins;
        im->cap_records = cap;
    }
    const char *kept_path = frmi_importer_keep(im, path);
    if (!kept_path)
        return frmi_nomem(err);
    const char **strings[] = {&r->model, &r->device, &r->framework, &r->framework_version,
                              &r->config_id, &r->config_json, &r->source, &r->frm_version,
                              &r->timestamp, &r->memory_mb.source, &r->energy_source,
                              &r->latency_ms.stop, &r->model_sha256, &r->host_json};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (!keep(im, strings[i]))
            return frmi_nomem(err);
    const char *aliased_from = alias ? frmi_importer_keep(im, alias) : NULL;
    if (alias && !aliased_from)
        return frmi_nomem(err);
    im->origins[im->n_records] = (struct origin){kept_path, line, aliased_from};
    im->records[im->n_records++] = *r;
    return FRM_OK;
}

frm_code frmi_import_add(frmi_importer *im, frmi_import_row *row, const char *path,
                         uint64_t line, frm_error *err)
{
    const frmi_import_options *o = im->opts;
    frm_record *r = &row->rec;
    if (o->device)
        r->device = o->device;
    if (o->tier != FRM_TIER_UNKNOWN)
        r->tier = o->tier;
    if (o->framework)
        r->framework = o->framework;
    if (o->framework_version)
        r->framework_version = o->framework_version;
    if (o->config_id)
        r->config_id = o->config_id;

    frm_code rc = fill_counts(im, row, err);
    if (rc != FRM_OK)
        return rc;
    if (isnan(r->memory_mb.peak) && !row->deferred && !isnan(o->memory_mb)) {
        r->memory_mb.peak = o->memory_mb;
        r->memory_mb.source = "estimated:user-supplied";
    }
    if (row->source_model && r->model && strcmp(row->source_model, r->model) != 0)
        frmi_import_config_string(row, "source_model", row->source_model);

    /* An empty string is no value: the reader refuses one where a name is required. */
    const char **names[] = {&r->model, &r->device, &r->framework, &r->framework_version,
                            &r->config_id};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (*names[i] && !**names[i])
            *names[i] = NULL;
    const char *missing = !r->model ? "the model's name (--model)"
                          : !r->device ? "the device (--device)"
                          : r->tier == FRM_TIER_UNKNOWN ? "the tier (--tier gpu|cpu|edge)"
                          : !r->framework ? "the framework (--framework)"
                          : !positive(r->latency_ms.median) ? "a positive latency"
                          : !isnan(r->memory_mb.peak) && !positive(r->memory_mb.peak)
                              ? "a positive peak memory (absent is allowed, zero is not)"
                          : !isnan(r->macs) && !positive(r->macs)
                              ? "positive MACs (absent is allowed, zero is not)"
                          : !(r->batch >= 1 && r->batch <= 1e15 && r->batch == floor(r->batch))
                              ? "a batch that is a whole number of at least 1"
                          : NULL;
    if (missing)
        return frmi_import_bad(im, err, FRM_E_FIELD, path, line, 0, "%s%s%s lacks %s",
                               r->model ? "model '" : "", r->model ? r->model : "",
                               r->model ? "'" : "record", missing);
    /* A unit conversion can overflow: JSON has no infinity to write. */
    const double numbers[] = {
        r->latency_ms.median, r->latency_ms.mean, r->latency_ms.stdev, r->latency_ms.min,
        r->latency_ms.max, r->latency_ms.p90, r->latency_ms.p95, r->latency_ms.p99,
        r->latency_ms.n, r->latency_ms.warmup, r->latency_ms.first_run, r->latency_ms.init_ms,
        r->memory_mb.peak, r->memory_mb.peak_lower, r->memory_mb.rss_peak_delta,
        r->memory_mb.rss_after_load,
        r->memory_mb.weights, r->memory_mb.activations_peak, r->energy_mj, r->macs, r->flops,
        r->params, r->accuracy_top1,
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (isinf(numbers[i]))
            return frmi_import_bad(im, err, FRM_E_FIELD, path, line, 0,
                                   "model '%s': a number out of range", r->model);
    if (!isnan(r->accuracy_top1) && !(r->accuracy_top1 >= 0 && r->accuracy_top1 <= 1))
        return frmi_import_bad(im, err, FRM_E_FIELD, path, line, 0,
                               "model '%s': accuracy %g is not a fraction in [0, 1]", r->model,
                               r->accuracy_top1);
    /* Records are UTF-8 JSON: a name in another encoding would be written mangled. */
    const struct {
        const char *what, *value;
    } texts[] = {{"model name", r->model}, {"device", r->device}, {"framework", r->framework},
                 /* the source's spelling names the record when an alias would merge two */
                 {"model name", row->source_model}, {"model name", row->aliased_from},
                 {"framework version", r->framework_version}, {"config_id", r->config_id},
                 {"config", row->config.data}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (texts[i].value && !frmi_utf8_valid(texts[i].value, strlen(texts[i].value)))
            return frmi_import_bad(im, err, FRM_E_FIELD, path, line, 0,
                                   "the %s is not UTF-8 text", texts[i].what);
        /* the config object is JSON, where a control character is escaped and harmless */
        if (texts[i].value && texts[i].value != row->config.data && frmi_has_control(texts[i].value))
            return frmi_import_bad(im, err, FRM_E_FIELD, path, line, 0,
                                   "the %s has a control character (a tab, newline or terminal "
                                   "escape)", texts[i].what);
    }

    frmi_buf config_id, config;
    frmi_buf_init(&config_id);
    frmi_buf_init(&config);
    if (!r->config_id) {
        frmi_buf_printf(&config_id, "%s/%s", r->device, r->framework);
        for (size_t i = 0; i < row->n_parts; i++)
            if (row->config_id_parts[i] && *row->config_id_parts[i])
                frmi_buf_printf(&config_id, "/%s", row->config_id_parts[i]);
        r->config_id = config_id.data;
    }
    /* never empty: batch is always there */
    frmi_import_config_number(row, "batch", r->batch);
    frmi_buf_printf(&config, "{%s}", row->config.data);
    bool failed = config_id.failed || config.failed || row->config.failed;
    const char *alias = row->aliased_from ? row->aliased_from : row->source_model;
    if (alias && (!*alias || strcmp(alias, r->model) == 0))
        alias = NULL;
    rc = failed ? frmi_nomem(err) : store(im, r, path, line, config.data, alias, err);
    frmi_buf_release(&config_id);
    frmi_buf_release(&config);
    return rc;
}

frm_code frmi_importer_write(const frmi_importer *im, FILE *out, frm_error *err)
{
    for (size_t i = 0; i < im->n_records; i++) {
        frm_code rc = frm_record_append(out, &im->records[i], err);
        if (rc != FRM_OK)
            return rc;
    }
    return FRM_OK;
}
