/*
 * record/writer.c - one record, one line.
 *
 * The line is built in memory, checked by reading it back with the same
 * code the reader uses (a record frm cannot read is never written), and
 * handed to stdio in one call followed by a flush.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frm/record.h"
#include "record/json.h"
#include "util/error.h"
#include "util/jsonw.h"

void frm_record_init(frm_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->ok = true;
    rec->batch = 1;
    double *numbers[] = {
        &rec->latency_ms.median, &rec->latency_ms.mean, &rec->latency_ms.stdev,
        &rec->latency_ms.min, &rec->latency_ms.max, &rec->latency_ms.p90,
        &rec->latency_ms.p95, &rec->latency_ms.p99, &rec->latency_ms.n,
        &rec->latency_ms.warmup, &rec->latency_ms.ci95_lo, &rec->latency_ms.ci95_hi,
        &rec->latency_ms.first_run, &rec->latency_ms.init_ms, &rec->latency_ms.target_ci,
        &rec->memory_mb.peak, &rec->memory_mb.peak_lower, &rec->memory_mb.rss_peak_delta,
        &rec->memory_mb.rss_after_load, &rec->memory_mb.weights,
        &rec->memory_mb.activations_peak,
        &rec->energy_mj, &rec->macs, &rec->flops, &rec->params, &rec->weights_bytes,
        &rec->activations_peak_bytes, &rec->accuracy_top1,
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        *numbers[i] = NAN;
}

static void put_string(frmi_jsonw *w, const char *key, const char *value)
{
    if (value) {
        frmi_jsonw_key(w, key);
        frmi_jsonw_string(w, value);
    }
}

static void put_number(frmi_jsonw *w, const char *key, double value)
{
    if (!isnan(value)) {
        frmi_jsonw_key(w, key);
        frmi_jsonw_number(w, value);
    }
}

static void put_latency(frmi_jsonw *w, const frm_latency *l)
{
    frmi_jsonw_key(w, "latency_ms");
    frmi_jsonw_object(w);
    put_number(w, "median", l->median);
    put_number(w, "mean", l->mean);
    put_number(w, "stdev", l->stdev);
    put_number(w, "min", l->min);
    put_number(w, "max", l->max);
    put_number(w, "p90", l->p90);
    put_number(w, "p95", l->p95);
    put_number(w, "p99", l->p99);
    put_number(w, "n", l->n);
    put_number(w, "warmup", l->warmup);
    if (!isnan(l->ci95_lo) && !isnan(l->ci95_hi)) {
        frmi_jsonw_key(w, "ci95_median");
        frmi_jsonw_array(w);
        frmi_jsonw_number(w, l->ci95_lo);
        frmi_jsonw_number(w, l->ci95_hi);
        frmi_jsonw_end(w);
    }
    put_number(w, "first_run", l->first_run);
    put_number(w, "init_ms", l->init_ms);
    put_number(w, "target_ci", l->target_ci);
    put_string(w, "stop", l->stop);
    frmi_jsonw_end(w);
}

static void put_memory(frmi_jsonw *w, const frm_memory *m)
{
    frmi_jsonw_key(w, "memory_mb");
    frmi_jsonw_object(w);
    put_number(w, "peak", m->peak);
    put_number(w, "peak_lower", m->peak_lower);
    put_number(w, "rss_peak_delta", m->rss_peak_delta);
    put_number(w, "rss_after_load", m->rss_after_load);
    put_number(w, "weights", m->weights);
    put_number(w, "activations_peak", m->activations_peak);
    put_string(w, "source", m->source);
    frmi_jsonw_end(w);
}

static void put_record(frmi_jsonw *w, const frm_record *rec)
{
    frmi_jsonw_object(w);
    put_string(w, "schema", FRM_RECORD_SCHEMA);
    put_string(w, "status", rec->ok ? "ok" : "error");
    put_string(w, "error", rec->error);
    put_string(w, "model", rec->model);
    put_string(w, "model_sha256", rec->model_sha256);
    put_string(w, "device", rec->device);
    if (rec->tier != FRM_TIER_UNKNOWN)
        put_string(w, "tier", frm_tier_name(rec->tier));
    put_string(w, "framework", rec->framework);
    put_string(w, "framework_version", rec->framework_version);
    if (rec->config_json) {
        frmi_jsonw_key(w, "config");
        frmi_jsonw_raw(w, rec->config_json);
    }
    put_string(w, "config_id", rec->config_id);
    if (rec->ok || !isnan(rec->latency_ms.median))
        put_latency(w, &rec->latency_ms);
    /* Sources that measure no memory (ncnn's tables) leave it out. */
    if (!isnan(rec->memory_mb.peak))
        put_memory(w, &rec->memory_mb);
    if (rec->ok) {
        frmi_jsonw_key(w, "energy_mj");
        frmi_jsonw_number(w, rec->energy_mj);
    }
    put_string(w, "energy_source", rec->energy_source);
    put_number(w, "macs", rec->macs);
    put_number(w, "flops", rec->flops);
    put_number(w, "params", rec->params);
    put_number(w, "weights_bytes", rec->weights_bytes);
    put_number(w, "activations_peak_bytes", rec->activations_peak_bytes);
    if (rec->ok) {
        frmi_jsonw_key(w, "accuracy_top1");
        frmi_jsonw_number(w, rec->accuracy_top1);
    }
    if (rec->host_json) {
        frmi_jsonw_key(w, "host");
        frmi_jsonw_raw(w, rec->host_json);
    }
    put_string(w, "source", rec->source);
    put_string(w, "frm_version", rec->frm_version);
    put_string(w, "timestamp", rec->timestamp);
    frmi_jsonw_end(w);
}

/* config_json and host_json go into the line as they are: each must be one object. */
static frm_code check_embedded(const char *json, const char *field, const char *model,
                               frm_error *err)
{
    if (!json)
        return FRM_OK;
    json_error_t jerr;
    json_t *v = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    bool object = json_is_object(v);
    json_decref(v);
    if (!object)
        return frmi_fail(err, FRM_E_FIELD, "record for model '%s' not written: field '%s' is "
                         "not one JSON object", model ? model : "?", field);
    return FRM_OK;
}

/* Reads the line back: what cannot be read must not be written. */
static frm_code check_line(const frmi_buf *line, const frm_record *rec, frm_error *err)
{
    const char *model = rec->model;
    json_error_t jerr;
    json_t *obj = json_loadb(line->data, line->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj)
        return frmi_fail(err, FRM_E_FIELD, "record for model '%s' is not valid JSON: %s",
                         model ? model : "?", jerr.text);
    frm_record back;
    char *config_json, *host_json;
    frm_error why;
    frm_code rc = frmi_record_from_json(obj, &back, &config_json, &host_json, &why);
    json_decref(obj);
    free(config_json);
    free(host_json);
    if (rc != FRM_OK)
        return frmi_fail(err, rc, "record for model '%s' not written: %s",
                         model ? model : "?", why.message);
    /* batch lives in config_json; a different rec->batch would be lost silently */
    if (back.batch != rec->batch)
        return frmi_fail(err, FRM_E_FIELD, "record for model '%s' not written: batch is %g but "
                         "config.batch says %g", model ? model : "?", rec->batch, back.batch);
    return FRM_OK;
}

/*
 * Writes the whole line or, on a regular file, nothing: a short write (a
 * full disk) is cut back to where the line began, so the file keeps ending
 * in a complete record and the next append starts clean.  The line goes
 * straight to the descriptor, after what the stream holds, so that no
 * half of it can linger in the stream's buffer.
 */
static frm_code write_line(FILE *out, const frmi_buf *line, const char *model, frm_error *err)
{
    int fd = fileno(out);
    struct stat st;
    if (fflush(out) != 0 || fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fwrite(line->data, 1, line->len, out) != line->len || fflush(out) != 0)
            return frmi_fail(err, FRM_E_IO, "cannot write record for model '%s': %s",
                             model ? model : "?", strerror(errno));
        return FRM_OK;
    }
    off_t start = lseek(fd, 0, SEEK_END);
    for (size_t done = 0; done < line->len;) {
        ssize_t n = write(fd, line->data + done, line->len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        int e = n < 0 ? errno : EIO;
        if (start >= 0 && ftruncate(fd, start) != 0)
            return frmi_fail(err, FRM_E_IO, "cannot write record for model '%s' (%s), and the "
                             "part written could not be cut off: %s", model ? model : "?",
                             strerror(e), strerror(errno));
        return frmi_fail(err, FRM_E_IO, "cannot write record for model '%s': %s",
                         model ? model : "?", strerror(e));
    }
    return FRM_OK;
}

frm_code frm_record_append(FILE *out, const frm_record *rec, frm_error *err)
{
    frmi_buf line;
    frmi_jsonw w;
    frmi_buf_init(&line);
    frmi_jsonw_init(&w, &line, false);
    put_record(&w, rec);
    frm_code rc = FRM_OK;
    if (line.failed)
        rc = frmi_nomem(err);
    else if (w.bad_utf8)
        rc = frmi_fail(err, FRM_E_FIELD, "record for model '%s' not written: a string is not UTF-8",
                       rec->model ? rec->model : "?");
    else if ((rc = check_embedded(rec->config_json, "config", rec->model, err)) == FRM_OK &&
             (rc = check_embedded(rec->host_json, "host", rec->model, err)) == FRM_OK)
        rc = check_line(&line, rec, err);
    if (rc == FRM_OK) {
        frmi_buf_add(&line, "\n", 1);
        rc = line.failed ? frmi_nomem(err) : write_line(out, &line, rec->model, err);
    }
    frmi_buf_release(&line);
    return rc;
}
