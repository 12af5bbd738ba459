/*
 * record/json.c - reading and checking one record object (schema v1).
 *
 * Messages name the field with its path ("latency_ms.median") and say what
 * was expected and what was found, so a user can fix the line by hand.
 */
#include "record/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/jsonw.h"

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

static frm_code field_fail(frm_error *err, const char *field, const char *what,
                           const json_t *found)
{
    if (found)
        return frmi_fail(err, FRM_E_FIELD, "field '%s': expected %s, found %s",
                         field, what, json_kind(found));
    return frmi_fail(err, FRM_E_FIELD, "field '%s' is missing (expected %s)", field, what);
}

/* A string member; `required` decides whether absence is an error. */
static frm_code get_string(json_t *obj, const char *key, const char *path, bool required,
                           const char **out, frm_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || (json_is_null(v) && !required)) {
        *out = NULL;
        return required ? field_fail(err, path, "a non-empty string", NULL) : FRM_OK;
    }
    if (json_is_string(v) && required && json_string_length(v) == 0)
        return frmi_fail(err, FRM_E_FIELD, "field '%s': expected a non-empty string, found an "
                         "empty one", path);
    if (!json_is_string(v))
        return field_fail(err, path, "a non-empty string", v);
    *out = json_string_value(v);
    return FRM_OK;
}

/* A string that names something (a model, a device): printed in tables, so no control characters. */
static frm_code get_name(json_t *obj, const char *key, bool required, const char **out,
                         frm_error *err)
{
    frm_code rc = get_string(obj, key, key, required, out, err);
    if (rc == FRM_OK && *out && frmi_has_control(*out))
        return frmi_fail(err, FRM_E_FIELD, "field '%s': a name with a control character (a "
                         "newline, tab or terminal escape)", key);
    return rc;
}

/* A finite number; absent or null give NaN unless `required`. */
static frm_code get_number(json_t *obj, const char *key, const char *path, bool required,
                           double *out, frm_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = NAN;
    if (!v || (json_is_null(v) && !required))
        return required ? field_fail(err, path, "a number", NULL) : FRM_OK;
    if (!json_is_number(v))
        return field_fail(err, path, "a number", v);
    *out = json_number_value(v);
    if (!isfinite(*out))
        return frmi_fail(err, FRM_E_FIELD, "field '%s': number out of range", path);
    return FRM_OK;
}

static frm_code get_object(json_t *obj, const char *key, bool required, json_t **out,
                           frm_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || (json_is_null(v) && !required))
        return required ? field_fail(err, key, "an object", NULL) : FRM_OK;
    if (!json_is_object(v))
        return field_fail(err, key, "an object", v);
    *out = v;
    return FRM_OK;
}

#define TRY(expr)                          \
    do {                                   \
        frm_code rc_ = (expr);             \
        if (rc_ != FRM_OK)                 \
            return rc_;                    \
    } while (0)

static frm_code read_latency(json_t *lat, frm_latency *l, bool required, frm_error *err)
{
    static const struct {
        const char *key, *path;
        size_t offset;
    } fields[] = {
        {"mean", "latency_ms.mean", offsetof(frm_latency, mean)},
        {"stdev", "latency_ms.stdev", offsetof(frm_latency, stdev)},
        {"min", "latency_ms.min", offsetof(frm_latency, min)},
        {"max", "latency_ms.max", offsetof(frm_latency, max)},
        {"p90", "latency_ms.p90", offsetof(frm_latency, p90)},
        {"p95", "latency_ms.p95", offsetof(frm_latency, p95)},
        {"p99", "latency_ms.p99", offsetof(frm_latency, p99)},
        {"n", "latency_ms.n", offsetof(frm_latency, n)},
        {"warmup", "latency_ms.warmup", offsetof(frm_latency, warmup)},
        {"first_run", "latency_ms.first_run", offsetof(frm_latency, first_run)},
        {"init_ms", "latency_ms.init_ms", offsetof(frm_latency, init_ms)},
        {"target_ci", "latency_ms.target_ci", offsetof(frm_latency, target_ci)},
    };
    if (!lat)
        return FRM_OK;
    TRY(get_number(lat, "median", "latency_ms.median", required, &l->median, err));
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        TRY(get_number(lat, fields[i].key, fields[i].path, false,
                       (double *)((char *)l + fields[i].offset), err));
    TRY(get_string(lat, "stop", "latency_ms.stop", false, &l->stop, err));
    json_t *ci = json_object_get(lat, "ci95_median");
    if (ci && !json_is_null(ci)) {
        if (!json_is_array(ci) || json_array_size(ci) != 2 ||
            !json_is_number(json_array_get(ci, 0)) || !json_is_number(json_array_get(ci, 1)))
            return frmi_fail(err, FRM_E_FIELD,
                             "field 'latency_ms.ci95_median': expected [lo, hi], two numbers");
        l->ci95_lo = json_number_value(json_array_get(ci, 0));
        l->ci95_hi = json_number_value(json_array_get(ci, 1));
    }
    return FRM_OK;
}

/* Optional as a whole; an object that is there must give its peak. */
static frm_code read_memory(json_t *mem, frm_memory *m, bool required, frm_error *err)
{
    if (!mem)
        return FRM_OK;
    TRY(get_number(mem, "peak", "memory_mb.peak", required, &m->peak, err));
    TRY(get_number(mem, "peak_lower", "memory_mb.peak_lower", false, &m->peak_lower, err));
    if (!isnan(m->peak_lower) && !isnan(m->peak) && !(m->peak_lower <= m->peak))
        return frmi_fail(err, FRM_E_FIELD,
                         "field 'memory_mb.peak_lower': %g is above the peak %g it bounds",
                         m->peak_lower, m->peak);
    TRY(get_number(mem, "rss_peak_delta", "memory_mb.rss_peak_delta", false,
                   &m->rss_peak_delta, err));
    TRY(get_number(mem, "rss_after_load", "memory_mb.rss_after_load", false,
                   &m->rss_after_load, err));
    TRY(get_number(mem, "weights", "memory_mb.weights", false, &m->weights, err));
    TRY(get_number(mem, "activations_peak", "memory_mb.activations_peak", false,
                   &m->activations_peak, err));
    TRY(get_string(mem, "source", "memory_mb.source", false, &m->source, err));
    return FRM_OK;
}

static frm_code read_batch(json_t *config, double *batch, frm_error *err)
{
    *batch = 1;
    if (!config)
        return FRM_OK;
    json_t *v = json_object_get(config, "batch");
    if (!v || json_is_null(v))
        return FRM_OK;
    if (!json_is_number(v))
        return field_fail(err, "config.batch", "a positive whole number", v);
    double b = json_number_value(v);
    if (!(b >= 1) || b != floor(b) || b > 1e15)
        return frmi_fail(err, FRM_E_FIELD,
                         "field 'config.batch': expected a positive whole number, found %g", b);
    *batch = b;
    return FRM_OK;
}

static frm_code read_fields(json_t *obj, frm_record *rec, json_t **config, json_t **host,
                            frm_error *err)
{
    const char *schema, *status, *tier;
    TRY(get_string(obj, "schema", "schema", true, &schema, err));
    if (strcmp(schema, FRM_RECORD_SCHEMA) != 0)
        return frmi_fail(err, FRM_E_FIELD, "field 'schema': unsupported schema '%s' (expected '%s')",
                         schema, FRM_RECORD_SCHEMA);
    TRY(get_string(obj, "status", "status", true, &status, err));
    if (strcmp(status, "ok") == 0)
        rec->ok = true;
    else if (strcmp(status, "error") == 0)
        rec->ok = false;
    else
        return frmi_fail(err, FRM_E_FIELD, "field 'status': expected \"ok\" or \"error\", found '%s'",
                         status);
    bool ok = rec->ok;

    TRY(get_string(obj, "error", "error", !ok, &rec->error, err));
    TRY(get_name(obj, "model", true, &rec->model, err));
    TRY(get_string(obj, "model_sha256", "model_sha256", false, &rec->model_sha256, err));
    TRY(get_name(obj, "device", ok, &rec->device, err));
    TRY(get_string(obj, "tier", "tier", ok, &tier, err));
    rec->tier = frm_tier_parse(tier);
    if (tier && rec->tier == FRM_TIER_UNKNOWN)
        return frmi_fail(err, FRM_E_FIELD,
                         "field 'tier': expected \"gpu\", \"cpu\" or \"edge\", found '%s'", tier);
    TRY(get_name(obj, "framework", ok, &rec->framework, err));
    TRY(get_name(obj, "framework_version", false, &rec->framework_version, err));
    TRY(get_object(obj, "config", false, config, err));
    TRY(read_batch(*config, &rec->batch, err));
    TRY(get_name(obj, "config_id", ok, &rec->config_id, err));

    json_t *lat, *mem;
    TRY(get_object(obj, "latency_ms", ok, &lat, err));
    TRY(read_latency(lat, &rec->latency_ms, ok, err));
    /* macs and memory_mb may be absent: sources like ncnn's tables measure neither. */
    TRY(get_object(obj, "memory_mb", false, &mem, err));
    TRY(read_memory(mem, &rec->memory_mb, ok, err));

    TRY(get_number(obj, "energy_mj", "energy_mj", false, &rec->energy_mj, err));
    TRY(get_string(obj, "energy_source", "energy_source", false, &rec->energy_source, err));
    TRY(get_number(obj, "macs", "macs", false, &rec->macs, err));
    TRY(get_number(obj, "flops", "flops", false, &rec->flops, err));
    TRY(get_number(obj, "params", "params", false, &rec->params, err));
    TRY(get_number(obj, "weights_bytes", "weights_bytes", false, &rec->weights_bytes, err));
    TRY(get_number(obj, "activations_peak_bytes", "activations_peak_bytes", false,
                   &rec->activations_peak_bytes, err));
    TRY(get_number(obj, "accuracy_top1", "accuracy_top1", false, &rec->accuracy_top1, err));
    if (!isnan(rec->accuracy_top1) && (rec->accuracy_top1 < 0 || rec->accuracy_top1 > 1))
        return frmi_fail(err, FRM_E_FIELD,
                         "field 'accuracy_top1': expected a fraction in [0, 1], found %g%s",
                         rec->accuracy_top1,
                         rec->accuracy_top1 > 1 && rec->accuracy_top1 <= 100
                             ? " (a percentage? divide by 100)" : "");
    TRY(get_object(obj, "host", false, host, err));
    TRY(get_string(obj, "source", "source", false, &rec->source, err));
    TRY(get_string(obj, "frm_version", "frm_version", false, &rec->frm_version, err));
    TRY(get_string(obj, "timestamp", "timestamp", false, &rec->timestamp, err));
    return FRM_OK;
}

frm_code frmi_record_from_json(json_t *obj, frm_record *rec, char **config_json,
                               char **host_json, frm_error *err)
{
    json_t *config = NULL, *host = NULL;
    frm_record_init(rec);
    *config_json = *host_json = NULL;
    frm_code rc = read_fields(obj, rec, &config, &host, err);
    if (rc != FRM_OK)
        return rc;
    /* Sorted keys: equal objects give equal text, whatever the key order. */
    if (config && !(*config_json = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS)))
        return frmi_nomem(err);
    if (host && !(*host_json = json_dumps(host, JSON_COMPACT | JSON_SORT_KEYS))) {
        free(*config_json);
        *config_json = NULL;
        return frmi_nomem(err);
    }
    rec->config_json = *config_json;
    rec->host_json = *host_json;
    return FRM_OK;
}
