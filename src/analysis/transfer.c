/*
 * analysis/transfer.c - paper 4.3: does a ranking measured in one tier
 * (gpu, cpu, edge) carry over to configurations of another?
 *
 * Besides rho, each pair gets its pairwise ordering accuracy: the share of
 * model pairs the two configurations order the same way, which is what a
 * claim like "predicts rankings with 97% accuracy" can honestly mean.  It
 * is counted like Kendall's tau, by inversions in a merge sort, on each
 * configuration's models sorted once.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"

const char *const frmi_tier_pair_names[FRMI_N_TIER_PAIRS] = {
    "gpu->cpu", "gpu->edge", "cpu->edge",
};

/* The tier pair of two known, different tiers; -1 otherwise. */
static int tier_pair(frm_tier a, frm_tier b)
{
    if (a == FRM_TIER_UNKNOWN || b == FRM_TIER_UNKNOWN || a == b)
        return -1;
    if (a > b) {
        frm_tier t = a;
        a = b;
        b = t;
    }
    /* gpu = 1, cpu = 2, edge = 3 */
    if (a == FRM_TIER_GPU)
        return b == FRM_TIER_CPU ? FRMI_GPU_CPU : FRMI_GPU_EDGE;
    return FRMI_CPU_EDGE;
}

/* Pairs i < j among n tied-run lengths: sum of t (t - 1) / 2. */
static uint64_t tied_pairs(uint64_t run)
{
    return run * (run - 1) / 2;
}

/*
 * Sorts v[0..n) ascending and returns the number of inversions (i < j,
 * v[i] > v[j]).  `tmp` holds n doubles; the sorted values end in `v`.
 */
static uint64_t sort_counting_inversions(double *v, double *tmp, size_t n)
{
    uint64_t inversions = 0;
    double *src = v, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            /* Branch-free: which side goes next is unpredictable, so select, not jump. */
            while (i < mid && j < hi) {
                size_t right = src[j] < src[i];
                dst[k++] = right ? src[j] : src[i];
                inversions += right * (mid - i);
                j += right;
                i += 1 - right;
            }
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        double *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    return inversions;
}

/*
 * Ordering agreement of (xs[i], ys[i]), i < n, with xs ascending: the
 * share of pairs with sign(x_i - x_j) = sign(y_i - y_j).  Reorders ys.
 *   agree = P - D - Tx - Ty + 2 Txy
 * with D the discordant pairs, Tx, Ty the pairs tied in x, in y, and Txy
 * those tied in both (counted in Tx and in Ty, and agreeing).
 */
double frmi_ordering_agreement(const double *xs, double *ys, size_t n, double *tmp)
{
    uint64_t tx = 0, txy = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && xs[j] == xs[i]; j++)
            ;
        if (j - i == 1)
            continue;
        tx += tied_pairs(j - i);
        /* Within a run tied in x, ascending y: then no pair of it is an inversion. */
        for (size_t p = i + 1; p < j; p++) {
            double v = ys[p];
            size_t q = p;
            for (; q > i && ys[q - 1] > v; q--)
                ys[q] = ys[q - 1];
            ys[q] = v;
        }
        for (size_t p = i, q; p < j; p = q) {
            for (q = p + 1; q < j && ys[q] == ys[p]; q++)
                ;
            txy += tied_pairs(q - p);
        }
    }
    uint64_t d = sort_counting_inversions(ys, tmp, n), ty = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && ys[j] == ys[i]; j++)
            ;
        ty += tied_pairs(j - i);
    }
    uint64_t all = tied_pairs(n);
    return (double)(all - d - tx - ty + 2 * txy) / (double)all;
}

/*
 * Per configuration: its models sorted by value and, when it has every
 * analysed model and no two tie, its order as bits, one per model pair
 * {i < j}: set when model i's value is below model j's.  Two such rows
 * disagree exactly on the set bits of their XOR, so their agreement is a
 * popcount over n (n - 1) / 128 words instead of a merge sort.
 */
typedef struct sorted_row {
    uint32_t *cols;            /* n_configs x n_models: present models by value */
    size_t *count;
    uint64_t **order_bits;     /* per configuration; NULL where not complete or tied */
    uint64_t *bits;            /* the storage they point into */
    uint64_t words;
} sorted_row;

static uint64_t xor_count_generic(const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (uint64_t)__builtin_popcountll(a[i] ^ b[i]);
    return c;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* Baseline x86-64 has no popcount instruction; most processors since 2008 do. */
__attribute__((target("popcnt"))) static uint64_t xor_count_popcnt(const uint64_t *a,
                                                                 const uint64_t *b, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (uint64_t)__builtin_popcountll(a[i] ^ b[i]);
    return c;
}
#endif

static uint64_t xor_count(const uint64_t *a, const uint64_t *b, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("popcnt"))
        return xor_count_popcnt(a, b, n);
#endif
    return xor_count_generic(a, b, n);
}

/* The order bits of one complete, tie-free row. */
static void fill_order_bits(const frmi_table *t, size_t c, uint64_t *bits)
{
    const double *x = t->v[FRMI_METRIC] + c * t->n_models;
    uint64_t word = 0;
    size_t k = 0, w = 0;
    for (size_t i = 0; i < t->n_models; i++)
        for (size_t j = i + 1; j < t->n_models; j++) {
            word |= (uint64_t)(x[i] < x[j]) << k;
            if (++k == 64) {
                bits[w++] = word;
                word = 0;
                k = 0;
            }
        }
    if (k)
        bits[w] = word;
}

typedef struct col_value {
    double v;
    uint32_t col;
} col_value;

static int by_value(const void *a, const void *b)
{
    const col_value *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

static frm_code sort_rows(const frmi_table *t, sorted_row *s)
{
    size_t nm = t->n_models;
    size_t cells = t->n_configs * nm;
    s->cols = malloc((cells ? cells : 1) * sizeof *s->cols);
    s->count = malloc((t->n_configs ? t->n_configs : 1) * sizeof *s->count);
    s->order_bits = malloc((t->n_configs ? t->n_configs : 1) * sizeof *s->order_bits);
    col_value *cv = malloc((nm ? nm : 1) * sizeof *cv);
    if (!s->cols || !s->count || !s->order_bits || !cv) {
        free(cv);
        return FRM_E_NOMEM;
    }
    for (size_t c = 0; c < t->n_configs; c++) {
        size_t n = 0;
        for (size_t m = 0; m < nm; m++) {
            double v = frmi_cell(t, FRMI_METRIC, c, m);
            if (!isnan(v))
                cv[n++] = (col_value){v, (uint32_t)m};
        }
        qsort(cv, n, sizeof *cv, by_value);
        bool ties = false;
        for (size_t i = 0; i < n; i++) {
            s->cols[c * nm + i] = cv[i].col;
            ties |= i > 0 && cv[i].v == cv[i - 1].v;
        }
        s->count[c] = n;
        /* Marks the row as qualifying; pointed at its storage below. */
        s->order_bits[c] = n == nm && nm >= 2 && !ties ? &s->words : NULL;
    }
    free(cv);
    /* Storage for the rows that qualify, then their bits. */
    size_t n_bits = 0;
    for (size_t c = 0; c < t->n_configs; c++)
        n_bits += s->order_bits[c] != NULL;
    s->words = nm * (nm - 1) / 2 / 64 + 1;
    if (n_bits == 0)
        return FRM_OK;
    s->bits = malloc(n_bits * s->words * sizeof *s->bits);
    if (!s->bits) {
        /* Not an error: every pair then takes the merge sort. */
        memset(s->order_bits, 0, t->n_configs * sizeof *s->order_bits);
        return FRM_OK;
    }
    for (size_t c = 0, k = 0; c < t->n_configs; c++)
        if (s->order_bits[c]) {
            s->order_bits[c] = s->bits + k++ * s->words;
            fill_order_bits(t, c, s->order_bits[c]);
        }
    return FRM_OK;
}

/* Agreement of configurations a and b on the models both have. */
static double pair_agreement(const frmi_table *t, const sorted_row *s, size_t a, size_t b,
                             double *xs, double *ys, double *tmp)
{
    size_t nm = t->n_models, n = 0;
    if (s->order_bits[a] && s->order_bits[b]) {
        uint64_t all = (uint64_t)nm * (nm - 1) / 2;
        return (double)(all - xor_count(s->order_bits[a], s->order_bits[b], s->words)) /
               (double)all;
    }
    const uint32_t *cols = s->cols + a * nm;
    for (size_t i = 0; i < s->count[a]; i++) {
        double y = frmi_cell(t, FRMI_METRIC, b, cols[i]);
        if (!isnan(y)) {
            xs[n] = frmi_cell(t, FRMI_METRIC, a, cols[i]);
            ys[n++] = y;
        }
    }
    return frmi_ordering_agreement(xs, ys, n, tmp);
}

/* The pairs whose ordering agreement is wanted, and a slice of them per thread. */
typedef struct agreement_job {
    const frmi_table *t;
    const sorted_row *rows;
    const uint32_t *a, *b;
    double *agreement;
    size_t from, to;
    bool failed;
} agreement_job;

static void *agreement_worker(void *arg)
{
    agreement_job *j = arg;
    size_t nm = j->t->n_models ? j->t->n_models : 1;
    double *buf = malloc(3 * nm * sizeof *buf);
    if (!buf) {
        j->failed = true;
        return NULL;
    }
    for (size_t i = j->from; i < j->to; i++)
        j->agreement[i] = pair_agreement(j->t, j->rows, j->a[i], j->b[i], buf, buf + nm,
                                         buf + 2 * nm);
    free(buf);
    return NULL;
}

/*
 * Each pair is O(n_models log n_models) and the pairs are independent: a
 * thread per processor (at most 16) takes an equal slice.  Results land by
 * pair index, so they do not depend on the number of threads.
 */
static frm_code agreements(const frmi_table *t, const sorted_row *rows, const uint32_t *a,
                           const uint32_t *b, size_t n, double *out)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_threads = cpus < 1 ? 1 : cpus > 16 ? 16 : (size_t)cpus;
    if (n < 256 * n_threads)
        n_threads = 1;
    agreement_job jobs[16];
    pthread_t ids[16];
    size_t started = 0;
    for (size_t k = 0; k < n_threads; k++) {
        jobs[k] = (agreement_job){t, rows, a, b, out, n * k / n_threads,
                                  n * (k + 1) / n_threads, false};
        /* The last slice runs on this thread, as do the others if threads fail. */
        if (k + 1 < n_threads && pthread_create(&ids[k], NULL, agreement_worker, &jobs[k]) == 0)
            started = k + 1;
        else
            agreement_worker(&jobs[k]);
    }
    bool failed = false;
    for (size_t k = 0; k < n_threads; k++) {
        if (k < started)
            pthread_join(ids[k], NULL);
        failed |= jobs[k].failed;
    }
    return failed ? FRM_E_NOMEM : FRM_OK;
}

typedef struct group_rhos {
    double *metric, *metric_p, *latency, *latency_p, *agreement;
    size_t n_metric, n_latency;
    size_t skipped, undefined;
} group_rhos;

static void summarize_group(group_rhos *g, double alpha, frmi_transfer_group *out)
{
    frmi_rho_summarize(g->metric, g->metric_p, g->n_metric, alpha, &out->metric);
    out->metric.n_skipped = g->skipped;
    out->metric.n_undefined = g->undefined;
    frmi_rho_summarize(g->latency, g->latency_p, g->n_latency, alpha, &out->latency);
    double sum = 0.0;
    for (size_t i = 0; i < g->n_metric; i++)
        sum += g->agreement[i];
    out->pairwise_accuracy_mean = g->n_metric ? sum / (double)g->n_metric : NAN;
}

frm_code frmi_transfer_run(const frmi_table *t, frmi_rho_cache *cache, double alpha,
                           frmi_transfer *out)
{
    memset(out, 0, sizeof *out);
    const frmi_rho_matrix *mm, *lm;
    frm_code rc;
    if ((rc = frmi_rho_cache_get(cache, t, FRMI_METRIC, &mm)) != FRM_OK ||
        (rc = frmi_rho_cache_get(cache, t, FRMI_LATENCY, &lm)) != FRM_OK)
        return rc;
    size_t n = t->n_configs, size[FRMI_N_TIER_PAIRS] = {0}, total = 0;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            int g = tier_pair(t->tiers[a], t->tiers[b]);
            if (g >= 0)
                size[g]++;
        }
    for (int g = 0; g < FRMI_N_TIER_PAIRS; g++)
        total += size[g];

    /* One block of 5 arrays per tier pair, then one for all cross-tier pairs. */
    double *block = malloc((total ? 10 * total : 1) * sizeof *block);
    uint32_t *pair_a = malloc((total ? total : 1) * sizeof *pair_a);
    uint32_t *pair_b = malloc((total ? total : 1) * sizeof *pair_b);
    sorted_row rows = {0};
    group_rhos groups[FRMI_N_TIER_PAIRS + 1];
    rc = FRM_OK;
    if (!block || !pair_a || !pair_b || sort_rows(t, &rows) != FRM_OK) {
        rc = FRM_E_NOMEM;
        goto done;
    }
    double *at = block;
    for (int g = 0; g <= FRMI_N_TIER_PAIRS; g++) {
        size_t len = g < FRMI_N_TIER_PAIRS ? size[g] : total;
        groups[g] = (group_rhos){at, at + len, at + 2 * len, at + 3 * len, at + 4 * len, 0, 0,
                                 0, 0};
        at += 5 * len;
    }
    group_rhos *all = &groups[FRMI_N_TIER_PAIRS];
    /* Pass 1: the rhos, and the pairs whose agreement is wanted, in pair order. */
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            int gi = tier_pair(t->tiers[a], t->tiers[b]);
            if (gi < 0)
                continue;
            group_rhos *two[2] = {&groups[gi], all};
            double rho = lm->rho[a * n + b];
            if (!isnan(rho)) {
                double p = frmi_rho_matrix_p(lm, a, b);
                for (int i = 0; i < 2; i++) {
                    two[i]->latency[two[i]->n_latency] = rho;
                    two[i]->latency_p[two[i]->n_latency++] = p;
                }
            }
            rho = mm->rho[a * n + b];
            if (mm->common[a * n + b] < cache->min_common || isnan(rho)) {
                bool skipped = mm->common[a * n + b] < cache->min_common;
                for (int i = 0; i < 2; i++)
                    *(skipped ? &two[i]->skipped : &two[i]->undefined) += 1;
                continue;
            }
            double p = frmi_rho_matrix_p(mm, a, b);
            pair_a[all->n_metric] = (uint32_t)a;
            pair_b[all->n_metric] = (uint32_t)b;
            for (int i = 0; i < 2; i++) {
                size_t k = two[i]->n_metric++;
                two[i]->metric[k] = rho;
                two[i]->metric_p[k] = p;
            }
        }
    /* Pass 2: the agreements, in parallel, into the all-pairs array; then per tier pair. */
    if ((rc = agreements(t, &rows, pair_a, pair_b, all->n_metric, all->agreement)) != FRM_OK)
        goto done;
    size_t filled[FRMI_N_TIER_PAIRS] = {0};
    for (size_t k = 0; k < all->n_metric; k++) {
        int gi = tier_pair(t->tiers[pair_a[k]], t->tiers[pair_b[k]]);
        groups[gi].agreement[filled[gi]++] = all->agreement[k];
    }
    if (frmi_mann_whitney_rhos(all->metric, all->n_metric, all->latency, all->n_latency,
                               &out->mw_metric_vs_latency) != FRM_OK) {
        rc = FRM_E_NOMEM;
        goto done;
    }
    for (int g = 0; g < FRMI_N_TIER_PAIRS; g++)
        summarize_group(&groups[g], alpha, &out->by_pair[g]);
    summarize_group(all, alpha, &out->overall);

done:
    free(block);
    free(pair_a);
    free(pair_b);
    free(rows.cols);
    free(rows.count);
    free(rows.order_bits);
    free(rows.bits);
    return rc;
}
