/*
 * predict/anchors.c - which models to measure on a new device.
 *
 * Greedy forward selection, by leave-one-device-out inside the dataset:
 * each step tries every candidate model as the next anchor, predicts a
 * spread sample of configurations from the other devices with the anchors
 * so far plus the candidate, and keeps the candidate with the best mean
 * Spearman rho on the models that are not anchors.  A configuration that
 * lacks the candidate counts rho 0, so anchors that few devices measured
 * lose.  The first anchor, before any shape can be measured, is the most
 * widely measured model (the one nearest the median latency on a tie).
 * Candidates are the most widely measured models; the sample, the
 * candidate list and the models each candidate is judged on are capped
 * so that a step costs the same on any dataset.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frm/stats.h"
#include "predict/predict.h"
#include "stats/sort.h"
#include "util/error.h"

#define MAX_CANDIDATES 24
#define MAX_SAMPLE 40
#define MAX_SCORED 200             /* models a candidate is judged on, spread over the list */
#define NEIGHBOURS 5

typedef struct coverage {
    size_t count, model;
} coverage;

static int by_count(const void *a, const void *b)
{
    const coverage *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->model > y->model) - (x->model < y->model);
}

/* Mean rho over the sample with `anchors`; 0 for a configuration that lacks one. */
static double mean_rho(const frmi_pred_matrix *m, const bool *usable, const size_t *sample,
                       size_t n_sample, const size_t *anchors, size_t n_anchors,
                       const size_t *scored, size_t n_scored, bool *others, double *pred,
                       double *x, double *y, void *scratch)
{
    double sum = 0;
    for (size_t i = 0; i < n_sample; i++) {
        size_t t = sample[i];
        double ya[16];
        size_t a;
        for (a = 0; a < n_anchors && !isnan(ya[a] = frmi_pred_cell(m, t, anchors[a])); a++)
            ;
        if (a < n_anchors)
            continue;
        for (size_t c = 0; c < m->n_configs; c++)
            others[c] = (!usable || usable[c]) && m->device[c] != m->device[t];
        frmi_pred_target target = {anchors, ya, n_anchors};
        if (!frmi_pred_point_columns(m, others, &target, NEIGHBOURS, scored, n_scored, pred, NULL,
                                     scratch))
            continue;
        size_t n = 0;
        for (size_t q = 0; q < n_scored; q++) {
            size_t j = scored[q];
            bool anchor = false;
            for (a = 0; a < n_anchors; a++)
                anchor = anchor || anchors[a] == j;
            double truth = frmi_pred_cell(m, t, j);
            if (!anchor && !isnan(truth) && !isnan(pred[j])) {
                x[n] = pred[j];
                y[n++] = truth;
            }
        }
        double rho, p;
        if (n >= 3 && frm_rank_spearman(x, y, n, &rho, &p) == FRM_OK && !isnan(rho))
            sum += rho;
    }
    return n_sample ? sum / (double)n_sample : NAN;
}

frm_code frmi_pred_suggest(const frmi_pred_matrix *m, const bool *usable, size_t *anchors,
                           size_t n_fixed, size_t k, double *gain, frm_error *err)
{
    size_t nc = m->n_configs, nm = m->n_models;
    if (k > 16 || n_fixed > k)
        return frmi_fail(err, FRM_E_ARGUMENT, "%zu anchors: at most 16 are supported", k);
    coverage *cov = malloc((nm ? nm : 1) * sizeof *cov);
    size_t *scored = malloc((nm ? nm : 1) * sizeof *scored);
    size_t *sample = malloc((nc ? nc : 1) * sizeof *sample);
    bool *others = malloc((nc ? nc : 1) * sizeof *others);
    double *pred = malloc((nm ? nm : 1) * sizeof *pred);
    double *x = malloc((nm ? nm : 1) * sizeof *x), *y = malloc((nm ? nm : 1) * sizeof *y);
    void *scratch = malloc(frmi_pred_scratch_size(m));
    frm_code rc = FRM_OK;
    if (!cov || !scored || !sample || !others || !pred || !x || !y || !scratch) {
        rc = frmi_nomem(err);
        goto done;
    }
    size_t n_usable = 0;
    for (size_t c = 0; c < nc; c++)
        if (!usable || usable[c])
            sample[n_usable++] = c;
    /* a spread sample of the usable configurations */
    size_t n_sample = n_usable < MAX_SAMPLE ? n_usable : MAX_SAMPLE;
    for (size_t i = 0; i < n_sample; i++)
        sample[i] = sample[i * n_usable / n_sample];
    for (size_t j = 0; j < nm; j++) {
        cov[j] = (coverage){0, j};
        for (size_t c = 0; c < nc; c++)
            cov[j].count += (!usable || usable[c]) && !isnan(frmi_pred_cell(m, c, j));
    }
    qsort(cov, nm, sizeof *cov, by_count);
    size_t n_cand = 0;
    while (n_cand < nm && n_cand < MAX_CANDIDATES && cov[n_cand].count >= 2)
        n_cand++;
    if (n_cand < k) {
        rc = frmi_fail(err, FRM_E_ARGUMENT, "the dataset has %zu models measured by two or more "
                       "configurations: too few to choose %zu anchors", n_cand, k);
        goto done;
    }
    size_t n_scored = nm < MAX_SCORED ? nm : MAX_SCORED;
    for (size_t i = 0; i < n_scored; i++)
        scored[i] = i * nm / n_scored;
    for (size_t step = n_fixed; step < k; step++) {
        size_t best = SIZE_MAX;
        double best_score = -INFINITY;
        if (step == 0) {
            /* no shape yet: the most widely measured, nearest the typical latency on a tie */
            for (size_t q = 0; q < n_cand; q++) {
                size_t n = 0;
                y[q] = 0;
                for (size_t c = 0; c < nc; c++)
                    if ((!usable || usable[c]) && !isnan(frmi_pred_cell(m, c, cov[q].model))) {
                        y[q] += frmi_pred_cell(m, c, cov[q].model);
                        n++;
                    }
                y[q] /= (double)(n ? n : 1);
                x[q] = y[q];
            }
            frmi_sort_ascending(x, n_cand);
            double typical = frm_quantile_sorted(x, n_cand, 0.5), best_gap = INFINITY;
            for (size_t q = 0; q < n_cand && cov[q].count == cov[0].count; q++)
                if (fabs(y[q] - typical) < best_gap) {
                    best_gap = fabs(y[q] - typical);
                    best = cov[q].model;
                }
            best_score = NAN;
        } else {
            for (size_t i = 0; i < n_cand; i++) {
                size_t j = cov[i].model;
                bool taken = false;
                for (size_t a = 0; a < step; a++)
                    taken = taken || anchors[a] == j;
                if (taken)
                    continue;
                anchors[step] = j;
                double s = mean_rho(m, usable, sample, n_sample, anchors, step + 1, scored,
                                    n_scored, others, pred, x, y, scratch);
                if (s > best_score) {
                    best_score = s;
                    best = j;
                }
            }
        }
        if (best == SIZE_MAX) {
            rc = frmi_fail(err, FRM_E_ARGUMENT, "no model improves the prediction as anchor %zu",
                           step + 1);
            goto done;
        }
        anchors[step] = best;
        if (gain)
            gain[step] = best_score;
    }
done:
    free(cov);
    free(scored);
    free(sample);
    free(others);
    free(pred);
    free(x);
    free(y);
    free(scratch);
    return rc;
}
