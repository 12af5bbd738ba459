/*
 * analysis/stability.c - paper 4.1: how much a ranking moves from one
 * configuration to another, per metric, over every pair of configurations.
 */
#include <math.h>
#include <stdlib.h>

#include "analysis/analysis.h"

/*
 * The defined rhos of every pair (a < b) of `m` into rhos/ps (n (n - 1) / 2
 * long), counting the skipped and the undefined pairs.
 */
static size_t collect_all_pairs(const frmi_rho_matrix *m, size_t min_common, double *rhos,
                                double *ps, frmi_rho_summary *s)
{
    size_t k = 0;
    s->n_skipped = s->n_undefined = 0;
    for (size_t a = 0; a < m->n; a++)
        for (size_t b = a + 1; b < m->n; b++) {
            if (m->common[a * m->n + b] < min_common) {
                s->n_skipped++;
                continue;
            }
            double rho = m->rho[a * m->n + b];
            if (isnan(rho)) {
                s->n_undefined++;
                continue;
            }
            rhos[k] = rho;
            ps[k++] = frmi_rho_matrix_p(m, a, b);
        }
    return k;
}

frm_code frmi_stability_run(const frmi_table *t, frmi_rho_cache *cache, frm_metric metric,
                            double alpha, frmi_stability *out)
{
    out->n_entries = 0;
    out->mw_metric_vs_latency = (frmi_test){NAN, NAN};
    frmi_stability_entry *e = out->entries;
    e[out->n_entries++] = (frmi_stability_entry){.name = "frm", .value = FRMI_FRM};
    if (metric != FRM_METRIC_FRM)
        e[out->n_entries++] =
            (frmi_stability_entry){.name = frm_metric_name(metric), .value = FRMI_METRIC};
    if (t->has_frm_e && metric != FRM_METRIC_FRM_E)
        e[out->n_entries++] = (frmi_stability_entry){.name = "frm_e", .value = FRMI_FRM_E};
    static const struct {
        const char *name;
        frmi_value value;
    } plain[] = {{"latency", FRMI_LATENCY}, {"memory", FRMI_MEMORY}, {"macs", FRMI_MACS},
                 {"accuracy", FRMI_ACCURACY}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        e[out->n_entries++] = (frmi_stability_entry){.name = plain[i].name,
                                                     .value = plain[i].value};

    size_t n = t->n_configs, pairs = n > 1 ? n * (n - 1) / 2 : 1;
    /* Room for the chosen metric's and latency's rhos, kept for Mann-Whitney. */
    double *metric_rhos = malloc(pairs * sizeof *metric_rhos);
    double *latency_rhos = malloc(pairs * sizeof *latency_rhos);
    double *scratch = malloc(2 * pairs * sizeof *scratch);
    frm_code rc = FRM_OK;
    size_t n_metric = 0, n_latency = 0;
    if (!metric_rhos || !latency_rhos || !scratch) {
        rc = FRM_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < out->n_entries; i++) {
        const frmi_rho_matrix *m;
        if ((rc = frmi_rho_cache_get(cache, t, e[i].value, &m)) != FRM_OK)
            goto done;
        double *rhos = scratch, *ps = scratch + pairs;
        size_t k = collect_all_pairs(m, cache->min_common, rhos, ps, &e[i].s);
        if (e[i].value == FRMI_METRIC || (e[i].value == FRMI_FRM && metric == FRM_METRIC_FRM)) {
            for (size_t j = 0; j < k; j++)
                metric_rhos[j] = rhos[j];
            n_metric = k;
        } else if (e[i].value == FRMI_LATENCY) {
            for (size_t j = 0; j < k; j++)
                latency_rhos[j] = rhos[j];
            n_latency = k;
        }
        frmi_rho_summarize(rhos, ps, k, alpha, &e[i].s);
    }
    rc = frmi_mann_whitney_rhos(metric_rhos, n_metric, latency_rhos, n_latency,
                                &out->mw_metric_vs_latency);

done:
    free(metric_rhos);
    free(latency_rhos);
    free(scratch);
    return rc;
}
