/*
 * analysis/pairs.c - Spearman's rho between every pair of configurations.
 *
 * Configurations that ran the same set of models are compared on all of
 * them, so such a group is one table for frm_rank_spearman_matrix: each
 * configuration ranked once, every pair one entry of a BLAS Gram matrix.
 * Only pairs across groups, whose common set differs from pair to pair,
 * are ranked pair by pair.  A dataset where every configuration ran every
 * model is a single group, whatever its size.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "frm/stats.h"

/* A configuration and the set of models it has, as bits. */
typedef struct masked {
    const uint64_t *bits;
    size_t words;
    size_t row;
} masked;

static int by_mask(const void *a, const void *b)
{
    const masked *x = a, *y = b;
    int d = memcmp(x->bits, y->bits, x->words * sizeof(uint64_t));
    if (d != 0)
        return d;
    return x->row < y->row ? -1 : x->row > y->row;
}

static size_t popcount_and(const uint64_t *a, const uint64_t *b, size_t words)
{
    size_t n = 0;
    for (size_t w = 0; w < words; w++)
        n += (size_t)__builtin_popcountll(a[w] & b[w]);
    return n;
}

void frmi_rho_matrix_release(frmi_rho_matrix *m)
{
    free(m->rho);
    free(m->common);
    m->rho = NULL;
    m->common = NULL;
    m->n = 0;
}

double frmi_rho_matrix_p(const frmi_rho_matrix *m, size_t a, size_t b)
{
    double rho = m->rho[a * m->n + b];
    return isnan(rho) ? NAN : frm_rank_spearman_p(rho, m->common[a * m->n + b]);
}

/* Rho of every pair inside one group of configurations with `cols` present. */
static frm_code within_group(const frmi_table *t, frmi_value k, const size_t *rows, size_t g,
                             const size_t *cols, size_t p, frmi_rho_matrix *out)
{
    size_t n = out->n;
    double *sub = malloc(g * p * sizeof *sub);
    double *rho = malloc(g * g * sizeof *rho);
    if (!sub || !rho) {
        free(sub);
        free(rho);
        return FRM_E_NOMEM;
    }
    for (size_t i = 0; i < g; i++)
        for (size_t j = 0; j < p; j++)
            sub[i * p + j] = frmi_cell(t, k, rows[i], cols[j]);
    frm_code rc = frm_rank_spearman_matrix(sub, g, p, rho);
    if (rc == FRM_OK)
        for (size_t i = 0; i < g; i++)
            for (size_t j = 0; j < g; j++)
                if (i != j)
                    out->rho[rows[i] * n + rows[j]] = rho[i * g + j];
    free(sub);
    free(rho);
    return rc;
}

/* Rho of one pair on the models both have; x and y are n_models long. */
static frm_code one_pair(const frmi_table *t, frmi_value k, size_t a, size_t b, double *x,
                         double *y, double *rho)
{
    size_t s = 0;
    for (size_t m = 0; m < t->n_models; m++) {
        double u = frmi_cell(t, k, a, m), v = frmi_cell(t, k, b, m);
        if (!isnan(u) && !isnan(v)) {
            x[s] = u;
            y[s++] = v;
        }
    }
    double p;
    return frm_rank_spearman(x, y, s, rho, &p);
}

frm_code frmi_rho_matrix_build(const frmi_table *t, frmi_value k, size_t min_common,
                               frmi_rho_matrix *out)
{
    size_t n = t->n_configs, nm = t->n_models, words = (nm + 63) / 64;
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0)
        return FRM_OK;
    if (n > SIZE_MAX / sizeof(double) / n)
        return FRM_E_NOMEM;
    out->rho = malloc(n * n * sizeof *out->rho);
    out->common = malloc(n * n * sizeof *out->common);
    uint64_t *bits = calloc(n * (words ? words : 1), sizeof *bits);
    masked *sorted = malloc(n * sizeof *sorted);
    size_t *order = malloc(n * sizeof *order);
    size_t *group_start = malloc((n + 1) * sizeof *group_start);
    size_t *cols = malloc((nm ? nm : 1) * sizeof *cols);
    double *x = malloc((nm ? nm : 1) * sizeof *x), *y = malloc((nm ? nm : 1) * sizeof *y);
    frm_code rc = FRM_OK;
    if (!out->rho || !out->common || !bits || !sorted || !order || !group_start || !cols || !x || !y) {
        rc = FRM_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n * n; i++)
        out->rho[i] = NAN;
    for (size_t c = 0; c < n; c++) {
        for (size_t m = 0; m < nm; m++)
            if (!isnan(frmi_cell(t, k, c, m)))
                bits[c * words + m / 64] |= (uint64_t)1 << (m % 64);
        sorted[c] = (masked){bits + c * words, words, c};
    }
    qsort(sorted, n, sizeof *sorted, by_mask);

    size_t n_groups = 0;
    for (size_t i = 0; i < n; i++) {
        order[i] = sorted[i].row;
        if (i == 0 || memcmp(sorted[i].bits, sorted[i - 1].bits, words * sizeof *bits) != 0)
            group_start[n_groups++] = i;
    }
    group_start[n_groups] = n;

    for (size_t g1 = 0; g1 < n_groups && rc == FRM_OK; g1++) {
        const size_t *rows1 = order + group_start[g1];
        size_t size1 = group_start[g1 + 1] - group_start[g1];
        const uint64_t *m1 = bits + rows1[0] * words;
        for (size_t g2 = g1; g2 < n_groups && rc == FRM_OK; g2++) {
            const size_t *rows2 = order + group_start[g2];
            size_t size2 = group_start[g2 + 1] - group_start[g2];
            size_t common = popcount_and(m1, bits + rows2[0] * words, words);
            for (size_t i = 0; i < size1; i++)
                for (size_t j = 0; j < size2; j++) {
                    out->common[rows1[i] * n + rows2[j]] = (uint32_t)common;
                    out->common[rows2[j] * n + rows1[i]] = (uint32_t)common;
                }
            if (common < min_common || common < 2)
                continue;
            if (g1 == g2) {
                size_t p = 0;
                for (size_t m = 0; m < nm; m++)
                    if (m1[m / 64] >> (m % 64) & 1)
                        cols[p++] = m;
                if (size1 >= 2)
                    rc = within_group(t, k, rows1, size1, cols, p, out);
                continue;
            }
            for (size_t i = 0; i < size1 && rc == FRM_OK; i++)
                for (size_t j = 0; j < size2 && rc == FRM_OK; j++) {
                    double rho;
                    rc = one_pair(t, k, rows1[i], rows2[j], x, y, &rho);
                    out->rho[rows1[i] * n + rows2[j]] = rho;
                    out->rho[rows2[j] * n + rows1[i]] = rho;
                }
        }
    }
    if (rc != FRM_OK)
        rc = FRM_E_NOMEM;     /* the cells hold no NaN and the sizes are checked */

done:
    free(bits);
    free(sorted);
    free(order);
    free(group_start);
    free(cols);
    free(x);
    free(y);
    if (rc != FRM_OK)
        frmi_rho_matrix_release(out);
    return rc;
}

frm_code frmi_rho_cache_get(frmi_rho_cache *cache, const frmi_table *t, frmi_value k,
                            const frmi_rho_matrix **out)
{
    if (!cache->built[k]) {
        frm_code rc = frmi_rho_matrix_build(t, k, cache->min_common, &cache->m[k]);
        if (rc != FRM_OK)
            return rc;
        cache->built[k] = true;
    }
    *out = &cache->m[k];
    return FRM_OK;
}

void frmi_rho_cache_release(frmi_rho_cache *cache)
{
    for (int k = 0; k < FRMI_N_VALUES; k++)
        if (cache->built[k])
            frmi_rho_matrix_release(&cache->m[k]);
    memset(cache->built, 0, sizeof cache->built);
}
