/*
 * analysis/frameworks.c - paper 4.2: do two runtimes (or two settings of
 * one) on the same device rank models alike?
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

typedef struct by_device {
    const char *device;
    size_t row;
} by_device;

static int device_then_row(const void *a, const void *b)
{
    const by_device *x = a, *y = b;
    int d = strcmp(x->device, y->device);
    if (d != 0)
        return d;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int pair_order(const void *a, const void *b)
{
    const frmi_framework_pair *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

void frmi_frameworks_release(frmi_frameworks *f)
{
    free(f->pairs);
    f->pairs = NULL;
    f->n_pairs = 0;
}

frm_code frmi_frameworks_run(const frmi_table *t, frmi_rho_cache *cache, double alpha,
                             frmi_frameworks *out)
{
    memset(out, 0, sizeof *out);
    const frmi_rho_matrix *m;
    frm_code rc = frmi_rho_cache_get(cache, t, FRMI_METRIC, &m);
    if (rc != FRM_OK)
        return rc;
    size_t n = t->n_configs, n_dev = 0;
    by_device *dev = malloc((n ? n : 1) * sizeof *dev);
    if (!dev)
        return FRM_E_NOMEM;
    for (size_t c = 0; c < n; c++)
        if (t->configs[c]->device)
            dev[n_dev++] = (by_device){t->configs[c]->device, c};
    qsort(dev, n_dev, sizeof *dev, device_then_row);

    /* Sorting by device makes each device one run: pairs only inside runs. */
    size_t n_pairs = 0;
    for (size_t i = 0, j; i < n_dev; i = j) {
        for (j = i + 1; j < n_dev && strcmp(dev[j].device, dev[i].device) == 0; j++)
            ;
        n_pairs += (j - i) * (j - i - 1) / 2;
        out->n_devices += j - i > 1;
    }
    out->pairs = malloc((n_pairs ? n_pairs : 1) * sizeof *out->pairs);
    double *rhos = malloc((n_pairs ? n_pairs : 1) * 2 * sizeof *rhos);
    if (!out->pairs || !rhos) {
        free(dev);
        free(rhos);
        frmi_frameworks_release(out);
        return FRM_E_NOMEM;
    }
    for (size_t i = 0, j; i < n_dev; i = j) {
        for (j = i + 1; j < n_dev && strcmp(dev[j].device, dev[i].device) == 0; j++)
            ;
        for (size_t x = i; x < j; x++)
            for (size_t y = x + 1; y < j; y++) {
                size_t a = dev[x].row, b = dev[y].row;
                out->pairs[out->n_pairs++] = (frmi_framework_pair){
                    a, b, m->common[a * n + b], m->rho[a * n + b], frmi_rho_matrix_p(m, a, b)};
            }
    }
    qsort(out->pairs, out->n_pairs, sizeof *out->pairs, pair_order);
    size_t k = 0;
    double *ps = rhos + n_pairs;
    for (size_t i = 0; i < out->n_pairs; i++) {
        const frmi_framework_pair *p = &out->pairs[i];
        if (p->n < cache->min_common)
            out->s.n_skipped++;
        else if (isnan(p->rho))
            out->s.n_undefined++;
        else {
            rhos[k] = p->rho;
            ps[k++] = p->p;
        }
    }
    frmi_rho_summarize(rhos, ps, k, alpha, &out->s);
    free(rhos);
    free(dev);
    return FRM_OK;
}
