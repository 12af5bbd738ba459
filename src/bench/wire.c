/*
 * bench/wire.c - a measurement as the one JSON line a worker sends back.
 *
 * Numbers go through the shortest round-trip form, so the parent's record
 * carries exactly the values the worker measured.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "bench/worker.h"
#include "util/error.h"

static const struct {
    const char *key;
    size_t offset;
} latency_fields[] = {
    {"median", offsetof(frm_latency, median)}, {"mean", offsetof(frm_latency, mean)},
    {"stdev", offsetof(frm_latency, stdev)},   {"min", offsetof(frm_latency, min)},
    {"max", offsetof(frm_latency, max)},       {"p90", offsetof(frm_latency, p90)},
    {"p95", offsetof(frm_latency, p95)},       {"p99", offsetof(frm_latency, p99)},
    {"n", offsetof(frm_latency, n)},           {"warmup", offsetof(frm_latency, warmup)},
    {"ci95_lo", offsetof(frm_latency, ci95_lo)}, {"ci95_hi", offsetof(frm_latency, ci95_hi)},
    {"first_run", offsetof(frm_latency, first_run)}, {"init_ms", offsetof(frm_latency, init_ms)},
};

static const struct {
    const char *key;
    size_t offset;
} memory_fields[] = {
    {"rss_before", offsetof(frm_measurement, rss_before)},
    {"rss_after_load", offsetof(frm_measurement, rss_after_load)},
    {"hwm", offsetof(frm_measurement, hwm)},
    {"peak", offsetof(frm_measurement, peak)},
    {"energy_mj", offsetof(frm_measurement, energy_mj)},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void put_string(frmi_jsonw *w, const char *key, const char *v)
{
    frmi_jsonw_key(w, key);
    frmi_jsonw_string(w, v);
}

void frmi_measurement_to_json(frmi_buf *out, const frm_measurement *m)
{
    frmi_jsonw w;
    frmi_jsonw_init(&w, out, false);
    frmi_jsonw_object(&w);
    put_string(&w, "framework", m->framework);
    put_string(&w, "framework_version", m->framework_version);
    put_string(&w, "provider", m->provider);
    frmi_jsonw_key(&w, "threads");
    frmi_jsonw_number(&w, m->threads);
    put_string(&w, "graph_opt", frm_graph_opt_name(m->graph_opt));
    put_string(&w, "stop", frm_stop_name(m->stop));
    frmi_jsonw_key(&w, "inputs");
    frmi_jsonw_array(&w);
    for (size_t i = 0; i < m->n_inputs; i++) {
        frmi_jsonw_object(&w);
        put_string(&w, "name", m->inputs[i].name);
        frmi_jsonw_key(&w, "elem_type");
        frmi_jsonw_number(&w, m->inputs[i].elem_type);
        frmi_jsonw_key(&w, "dims");
        frmi_jsonw_array(&w);
        for (size_t d = 0; d < m->inputs[i].rank; d++)
            frmi_jsonw_number(&w, (double)m->inputs[i].dims[d]);
        frmi_jsonw_end(&w);
        frmi_jsonw_end(&w);
    }
    frmi_jsonw_end(&w);
    frmi_jsonw_key(&w, "latency_ms");
    frmi_jsonw_object(&w);
    for (size_t i = 0; i < N_OF(latency_fields); i++) {
        frmi_jsonw_key(&w, latency_fields[i].key);
        frmi_jsonw_number(&w, *(const double *)((const char *)&m->latency_ms + latency_fields[i].offset));
    }
    frmi_jsonw_end(&w);
    for (size_t i = 0; i < N_OF(memory_fields); i++) {
        frmi_jsonw_key(&w, memory_fields[i].key);
        frmi_jsonw_number(&w, *(const double *)((const char *)m + memory_fields[i].offset));
    }
    put_string(&w, "energy_source", m->energy_source);
    put_string(&w, "energy_note", m->energy_note);
    frmi_jsonw_end(&w);
}

static int copy_string(json_t *obj, const char *key, char *dst, size_t size)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s || strlen(s) >= size)
        return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

/* JSON null stands for NaN, as the emitter writes it. */
static int get_double(json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_null(v)) {
        *out = NAN;
        return 0;
    }
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

static int read_inputs(json_t *arr, frm_measurement *m)
{
    if (!json_is_array(arr) || json_array_size(arr) > FRM_BENCH_MAX_INPUTS)
        return -1;
    m->n_inputs = json_array_size(arr);
    for (size_t i = 0; i < m->n_inputs; i++) {
        json_t *in = json_array_get(arr, i);
        json_t *dims = json_object_get(in, "dims");
        double elem;
        if (copy_string(in, "name", m->inputs[i].name, sizeof m->inputs[i].name) ||
            get_double(in, "elem_type", &elem) || !json_is_array(dims) ||
            json_array_size(dims) > FRM_PROFILE_MAX_RANK)
            return -1;
        m->inputs[i].elem_type = (int)elem;
        m->inputs[i].rank = json_array_size(dims);
        for (size_t d = 0; d < m->inputs[i].rank; d++) {
            json_t *v = json_array_get(dims, d);
            if (!json_is_number(v))
                return -1;
            m->inputs[i].dims[d] = (int64_t)json_number_value(v);
        }
    }
    return 0;
}

static int read_enum(json_t *obj, const char *key, const char *(*name)(int), int last, int *out)
{
    const char *s = json_string_value(json_object_get(obj, key));
    for (int i = 0; s && i <= last; i++)
        if (strcmp(s, name(i)) == 0) {
            *out = i;
            return 0;
        }
    return -1;
}

static const char *graph_opt_name(int i) { return frm_graph_opt_name((frm_graph_opt)i); }
static const char *stop_name(int i) { return frm_stop_name((frm_stop)i); }

frm_code frmi_measurement_from_json(const char *json, frm_measurement *out, frm_error *err)
{
    json_error_t jerr;
    json_t *obj = json_loads(json, 0, &jerr);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return frmi_fail(err, FRM_E_RUNTIME, "the worker's result is not a JSON object");
    }
    frm_measurement m;
    memset(&m, 0, sizeof m);
    double threads;
    int opt = 0, stop = 0, bad =
        copy_string(obj, "framework", m.framework, sizeof m.framework) ||
        copy_string(obj, "framework_version", m.framework_version, sizeof m.framework_version) ||
        copy_string(obj, "provider", m.provider, sizeof m.provider) ||
        copy_string(obj, "energy_source", m.energy_source, sizeof m.energy_source) ||
        copy_string(obj, "energy_note", m.energy_note, sizeof m.energy_note) ||
        get_double(obj, "threads", &threads) ||
        read_enum(obj, "graph_opt", graph_opt_name, FRM_GRAPH_OPT_ALL, &opt) ||
        read_enum(obj, "stop", stop_name, FRM_STOP_MAX_TIME, &stop) ||
        read_inputs(json_object_get(obj, "inputs"), &m);
    json_t *lat = json_object_get(obj, "latency_ms");
    for (size_t i = 0; !bad && i < N_OF(latency_fields); i++)
        bad = get_double(lat, latency_fields[i].key,
                         (double *)((char *)&m.latency_ms + latency_fields[i].offset));
    for (size_t i = 0; !bad && i < N_OF(memory_fields); i++)
        bad = get_double(obj, memory_fields[i].key, (double *)((char *)&m + memory_fields[i].offset));
    json_decref(obj);
    if (bad)
        return frmi_fail(err, FRM_E_RUNTIME, "the worker's result is incomplete");
    m.threads = (int)threads;
    m.graph_opt = (frm_graph_opt)opt;
    m.stop = (frm_stop)stop;
    m.latency_ms.target_ci = NAN;
    m.latency_ms.stop = NULL;
    *out = m;
    return FRM_OK;
}
