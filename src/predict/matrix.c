/*
 * predict/matrix.c - a dataset as the matrix of log per-sample latencies
 * the predictor works on, with each model's typical MACs and memory.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "predict/predict.h"
#include "stats/sort.h"
#include "util/error.h"

/* The median of each model's finite positive values of one field, or NaN. */
static frm_code medians(const frm_dataset *ds, size_t n_models, size_t field, double *out,
                        frm_error *err)
{
    size_t n = frm_dataset_size(ds);
    size_t *start = calloc(n_models + 1, sizeof *start);
    double *values = malloc((n ? n : 1) * sizeof *values);
    size_t *fill = calloc(n_models, sizeof *fill);
    if (!start || !values || !fill) {
        free(start);
        free(values);
        free(fill);
        return frmi_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        double v = field == 0 ? e->macs : e->memory_mb;
        if (isfinite(v) && v > 0)
            start[e->model_id + 1]++;
    }
    for (size_t j = 0; j < n_models; j++)
        start[j + 1] += start[j];
    for (size_t i = 0; i < n; i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        double v = field == 0 ? e->macs : e->memory_mb;
        if (isfinite(v) && v > 0)
            values[start[e->model_id] + fill[e->model_id]++] = v;
    }
    for (size_t j = 0; j < n_models; j++) {
        size_t k = start[j + 1] - start[j];
        double *v = values + start[j];
        frmi_sort_ascending(v, k);
        out[j] = k == 0 ? NAN : k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }
    free(start);
    free(values);
    free(fill);
    return FRM_OK;
}

typedef struct device_of {
    const char *device;
    size_t config;
} device_of;

static int by_device(const void *a, const void *b)
{
    const device_of *x = a, *y = b;
    int c = strcmp(x->device, y->device);
    return c ? c : (x->config > y->config) - (x->config < y->config);
}

frm_code frmi_pred_matrix_build(const frm_dataset *ds, frmi_pred_matrix *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nc = frm_dataset_n_configs(ds), nm = frm_dataset_n_models(ds);
    out->n_configs = nc;
    out->n_models = nm;
    out->configs = malloc((nc ? nc : 1) * sizeof *out->configs);
    out->models = malloc((nm ? nm : 1) * sizeof *out->models);
    out->log_latency = malloc((nc && nm ? nc * nm : 1) * sizeof *out->log_latency);
    out->macs = malloc((nm ? nm : 1) * sizeof *out->macs);
    out->memory_mb = malloc((nm ? nm : 1) * sizeof *out->memory_mb);
    out->device = malloc((nc ? nc : 1) * sizeof *out->device);
    device_of *order = malloc((nc ? nc : 1) * sizeof *order);
    if (!out->configs || !out->models || !out->log_latency || !out->macs || !out->memory_mb ||
        !out->device || !order) {
        free(order);
        frmi_pred_matrix_release(out);
        return frmi_nomem(err);
    }
    for (size_t c = 0; c < nc; c++)
        out->configs[c] = frm_dataset_config(ds, c);
    for (size_t j = 0; j < nm; j++)
        out->models[j] = frm_dataset_model_name(ds, (uint32_t)j);
    for (size_t i = 0; i < nc * nm; i++)
        out->log_latency[i] = NAN;
    for (size_t i = 0; i < frm_dataset_size(ds); i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        double per_sample = e->latency_ms / (e->batch >= 1 ? e->batch : 1);
        if (isfinite(per_sample) && per_sample > 0) {
            out->log_latency[(size_t)e->config_index * nm + e->model_id] = log(per_sample);
        } else if (out->n_no_latency++ == 0) {
            out->no_latency = e;
        }
    }
    frm_code rc = medians(ds, nm, 0, out->macs, err);
    if (rc == FRM_OK)
        rc = medians(ds, nm, 1, out->memory_mb, err);
    if (rc != FRM_OK) {
        free(order);
        frmi_pred_matrix_release(out);
        return rc;
    }
    /* devices numbered in name order: configurations of one device share a number */
    for (size_t c = 0; c < nc; c++)
        order[c] = (device_of){out->configs[c]->device, c};
    qsort(order, nc, sizeof *order, by_device);
    for (size_t i = 0; i < nc; i++) {
        if (i > 0 && strcmp(order[i].device, order[i - 1].device) != 0)
            out->n_devices++;
        out->device[order[i].config] = out->n_devices;
    }
    if (nc)
        out->n_devices++;
    free(order);
    return FRM_OK;
}

void frmi_pred_matrix_release(frmi_pred_matrix *m)
{
    free(m->configs);
    free(m->models);
    free(m->log_latency);
    free(m->macs);
    free(m->memory_mb);
    free(m->device);
    memset(m, 0, sizeof *m);
}

size_t frmi_pred_model_index(const frmi_pred_matrix *m, const char *model)
{
    for (size_t j = 0; j < m->n_models; j++)
        if (strcmp(m->models[j], model) == 0)
            return j;
    return SIZE_MAX;
}
