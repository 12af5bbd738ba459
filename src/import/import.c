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

static const struct {
    const char *name;
    frmi_import_fn fn;
} formats[FRMI_IMPORT_N_FORMATS] = {
    [FRMI_IMPORT_TIMM] = {"timm", frmi_import_timm},
    [FRMI_IMPORT_TFLITE] = {"tflite", frmi_import_tflite},
    [FRMI_IMPORT_ORT_PERF] = {"ort-perf", frmi_import_ort_perf},
    [FRMI_IMPORT_CSV] = {"csv", frmi_import_table},
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
    } *origins;                    /* where each record came from */
    size_t n_records, cap_records;
    size_t n_skipped;
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
    free(im->records);
    free(im->origins);
    free(im);
}

frmi_import_state *frmi_importer_state(frmi_importer *im)
{
    return &im->state;
}

/*
 * Two records for one (config_id, model) would make the output unreadable
 * as a dataset: an alias that maps two names onto one, or a table that
 * repeats a row.  The first is kept.
 */
static frm_code check_duplicates(frmi_importer *im, frm_error *err)
{
    frmi_map seen;
    frmi_map_init(&seen);
    bool *keep = malloc((im->n_records ? im->n_records : 1) * sizeof *keep);
    frm_code rc = keep ? FRM_OK : frmi_nomem(err);
    size_t n_dropped = 0;
    for (size_t i = 0; rc == FRM_OK && i < im->n_records; i++) {
        const frm_record *r = &im->records[i];
        uint32_t cid = frmi_pool_find(&im->strings, r->config_id);
        uint32_t mid = frmi_pool_find(&im->strings, r->model);
        uint64_t key = ((uint64_t)cid + 1) << 32 | mid;
        keep[i] = true;
        const uint64_t *first = frmi_map_get(&seen, key);
        if (!first) {
            rc = frmi_map_put(&seen, key, i) == FRM_OK ? FRM_OK : frmi_nomem(err);
            continue;
        }
        const struct origin *o = &im->origins[*first], *here = &im->origins[i];
        keep[i] = false;
        n_dropped++;
        rc = frmi_import_bad(im, err, FRM_E_DUPLICATE, here->path, here->line, 0,
                             "model '%s' again in configuration '%s' (first at %s:%llu); two "
                             "names that mean one model? see --aliases", r->model, r->config_id,
                             o->path, (unsigned long long)o->line);
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

const frmi_import_options *frmi_importer_options(const frmi_importer *im)
{
    return im->opts;
}

frm_code frmi_import_file(frmi_importer *im, frmi_import_format format, const char *path,
                          frm_error *err)
{
    if ((unsigned)format >= FRMI_IMPORT_N_FORMATS)
        return frmi_fail(err, FRM_E_ARGUMENT, "unknown import format %d", (int)format);
    char *text = NULL;
    size_t len = 0;
    frm_code rc = frmi_read_file(path, &text, &len, err);
    if (rc != FRM_OK)
        return rc;
    im->format = format;
    size_t kept = im->n_records;
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

static void skipped(frmi_importer *im, const frm_error *e)
{
    im->n_skipped++;
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
    skipped(im, &e);
    return FRM_OK;
}

void frmi_import_skip(frmi_importer *im, const char *path, uint64_t line, unsigned column,
                      const char *fmt, ...)
{
    frm_error e;
    va_list ap;
    va_start(ap, fmt);
    vplace(&e, FRM_E_VALUE, path, line, column, fmt, ap);
    va_end(ap);
    skipped(im, &e);
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
                      const char *config_json, frm_error *err)
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
    im->origins[im->n_records] = (struct origin){kept_path, line};
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

    /*
     * The zoo's counts hold at its own input size: a deferred row knows
     * its size and completes them itself.
     */
    const frm_zoo_info *zoo = r->model && !row->deferred ? frm_zoo_find(r->model) : NULL;
    if (isnan(r->macs) && !row->deferred)
        r->macs = !isnan(o->macs) ? o->macs : zoo ? (double)zoo->macs : NAN;
    if (isnan(r->params) && !row->deferred)
        r->params = !isnan(o->params) ? o->params : zoo ? (double)zoo->params : NAN;
    if (isnan(r->memory_mb.peak) && !row->deferred && !isnan(o->memory_mb)) {
        r->memory_mb.peak = o->memory_mb;
        r->memory_mb.source = "estimated:user-supplied";
    }

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
                          : !row->deferred && !positive(r->memory_mb.peak)
                              ? "a positive peak memory (--memory-mb)"
                          : !row->deferred && !positive(r->macs)
                              ? "MACs (--macs; the zoo knows only the paper's models)"
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
        r->memory_mb.peak, r->memory_mb.rss_peak_delta, r->memory_mb.rss_after_load,
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
                 {"framework version", r->framework_version}, {"config_id", r->config_id},
                 {"config", row->config.data}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i].value && !frmi_utf8_valid(texts[i].value, strlen(texts[i].value)))
            return frmi_import_bad(im, err, FRM_E_FIELD, path, line, 0,
                                   "the %s is not UTF-8 text", texts[i].what);

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
    frm_code rc = failed ? frmi_nomem(err) : store(im, r, path, line, config.data, err);
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
