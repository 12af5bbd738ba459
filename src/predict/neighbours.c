/*
 * predict/neighbours.c - the predictor: configurations whose anchor
 * latencies have the target's shape, their latencies carried over.
 *
 * For a configuration c that measured every anchor a, the residuals
 * r_a = y_a - L[c][a] (target minus c, in ln ms) are split into a scale,
 * their mean b_c, and a shape distance, d_c = sqrt(mean (r_a - b_c)^2):
 * c differs from the target by one factor e^b_c when d_c is 0.  For each
 * model the k nearest such configurations that measured it are averaged,
 * L[c][m] + b_c with weight 1 / (d_c + delta)^2.  A prediction is only as
 * good as its neighbours are near, so the interval is the prediction
 * +- q (dbar + spread0), dbar the neighbours' weighted mean distance, and
 * q the `coverage` quantile of |residual| / (dbar + spread0) over
 * configurations of the dataset predicted the same way from the other
 * devices.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frm/stats.h"
#include "predict/predict.h"
#include "stats/sort.h"
#include "util/error.h"

/* A floor under the shape distance: a 3% mismatch is as good as none. */
#define DISTANCE_FLOOR 0.03
#define DEFAULT_NEIGHBOURS 5
#define DEFAULT_COVERAGE 0.9
#define DEFAULT_CALIBRATION 300
/* The part of an interval's width that does not shrink with the distance. */
#define SPREAD_FLOOR 0.05

typedef struct candidate {
    double distance, log_scale;
    size_t config;
} candidate;

static int by_distance(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return (x->config > y->config) - (x->config < y->config);
}

size_t frmi_pred_scratch_size(const frmi_pred_matrix *m)
{
    return (m->n_configs ? m->n_configs : 1) * sizeof(candidate);
}

/* The configurations that measured every anchor, nearest first; how many. */
static size_t rank_candidates(const frmi_pred_matrix *m, const bool *usable,
                              const frmi_pred_target *t, candidate *out)
{
    size_t n = 0;
    for (size_t c = 0; c < m->n_configs; c++) {
        if (usable && !usable[c])
            continue;
        double sum = 0;
        size_t a;
        for (a = 0; a < t->n_anchors; a++) {
            double v = frmi_pred_cell(m, c, t->anchors[a]);
            if (isnan(v))
                break;
            sum += t->log_latency[a] - v;
        }
        if (a < t->n_anchors)
            continue;
        double b = sum / (double)t->n_anchors, ss = 0;
        for (a = 0; a < t->n_anchors; a++) {
            double r = t->log_latency[a] - frmi_pred_cell(m, c, t->anchors[a]) - b;
            ss += r * r;
        }
        out[n++] = (candidate){sqrt(ss / (double)t->n_anchors), b, c};
    }
    qsort(out, n, sizeof *out, by_distance);
    return n;
}

/*
 * Model j from the first k candidates that measured it; NaN when none.
 * Sets *spread to the interval's scale (the neighbours' weighted mean
 * distance plus SPREAD_FLOOR).  When `share` is not NULL, adds each used
 * candidate's weight share.
 */
static double predict_model(const frmi_pred_matrix *m, const candidate *cand, size_t n,
                            size_t k, size_t j, double *spread, double *share, size_t *used)
{
    double wsum = 0, sum = 0, dsum = 0;
    size_t taken = 0, idx[64];
    double w[64];
    if (k == 0)
        k = DEFAULT_NEIGHBOURS;
    if (k > 64)
        k = 64;
    for (size_t i = 0; i < n && taken < k; i++) {
        double v = frmi_pred_cell(m, cand[i].config, j);
        if (isnan(v))
            continue;
        double d = cand[i].distance + DISTANCE_FLOOR;
        w[taken] = 1 / (d * d);
        idx[taken++] = i;
        wsum += 1 / (d * d);
        sum += (v + cand[i].log_scale) / (d * d);
        dsum += cand[i].distance / (d * d);
    }
    *spread = taken ? dsum / wsum + SPREAD_FLOOR : NAN;
    if (taken == 0)
        return NAN;
    if (share)
        for (size_t i = 0; i < taken; i++) {
            share[idx[i]] += w[i] / wsum;
            used[idx[i]]++;
        }
    return sum / wsum;
}

size_t frmi_pred_point(const frmi_pred_matrix *m, const bool *usable, const frmi_pred_target *t,
                       size_t neighbours, double *log_latency, double *spread, void *scratch)
{
    return frmi_pred_point_columns(m, usable, t, neighbours, NULL, m->n_models, log_latency,
                                   spread, scratch);
}

size_t frmi_pred_point_columns(const frmi_pred_matrix *m, const bool *usable,
                               const frmi_pred_target *t, size_t neighbours,
                               const size_t *columns, size_t n_columns, double *log_latency,
                               double *spread, void *scratch)
{
    candidate *cand = scratch;
    size_t n = rank_candidates(m, usable, t, cand);
    for (size_t i = 0; i < n_columns; i++) {
        size_t j = columns ? columns[i] : i;
        double s = NAN;
        log_latency[j] = n ? predict_model(m, cand, n, neighbours, j, &s, NULL, NULL) : NAN;
        if (spread)
            spread[j] = s;
    }
    return n;
}

/* The calibration predictions' errors. */
typedef struct residuals {
    double *raw, *scaled;      /* |ln predicted - ln measured|, and over the spread */
    size_t n, cap;
} residuals;

static bool keep_residual(residuals *r, double raw, double scaled)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        double *a = realloc(r->raw, cap * sizeof *a);
        if (a)
            r->raw = a;
        double *b = a ? realloc(r->scaled, cap * sizeof *b) : NULL;
        if (!b)
            return false;
        r->scaled = b;
        r->cap = cap;
    }
    r->raw[r->n] = raw;
    r->scaled[r->n++] = scaled;
    return true;
}

/*
 * Each of up to `limit` configurations that measured every anchor,
 * predicted from the usable configurations of other devices; q is the
 * `coverage` quantile of |residual| / spread over all their other models,
 * NaN when nothing could be calibrated.
 */
static frm_code calibrate(const frmi_pred_matrix *m, const bool *usable, const size_t *anchors,
                          size_t n_anchors, const frmi_pred_options *o, frmi_pred_calibration *out,
                          frm_error *err)
{
    size_t nc = m->n_configs, nm = m->n_models;
    size_t k = o->neighbours ? o->neighbours : DEFAULT_NEIGHBOURS;
    size_t *pool = malloc((nc ? nc : 1) * sizeof *pool);
    bool *others = malloc((nc ? nc : 1) * sizeof *others);
    double *pred = malloc((nm ? nm : 1) * sizeof *pred);
    double *spread = malloc((nm ? nm : 1) * sizeof *spread);
    double *y = malloc((n_anchors ? n_anchors : 1) * sizeof *y);
    void *scratch = malloc(frmi_pred_scratch_size(m));
    residuals res = {NULL, NULL, 0, 0};
    size_t n_pool = 0;
    frm_code rc = FRM_OK;
    *out = (frmi_pred_calibration){NAN, NAN, NAN, 0, k};
    if (!pool || !others || !pred || !spread || !y || !scratch) {
        rc = frmi_nomem(err);
        goto done;
    }
    for (size_t c = 0; c < nc; c++) {
        if (usable && !usable[c])
            continue;
        size_t a = 0;
        while (a < n_anchors && !isnan(frmi_pred_cell(m, c, anchors[a])))
            a++;
        if (a == n_anchors)
            pool[n_pool++] = c;
    }
    size_t limit = o->calibration_targets ? o->calibration_targets : DEFAULT_CALIBRATION;
    size_t n_cal = n_pool < limit ? n_pool : limit;
    for (size_t i = 0; i < n_cal; i++) {
        size_t t = pool[i * n_pool / n_cal];  /* spread evenly over the dataset */
        for (size_t c = 0; c < nc; c++)
            others[c] = (!usable || usable[c]) && m->device[c] != m->device[t];
        for (size_t a = 0; a < n_anchors; a++)
            y[a] = frmi_pred_cell(m, t, anchors[a]);
        frmi_pred_target target = {anchors, y, n_anchors};
        if (!frmi_pred_point(m, others, &target, k, pred, spread, scratch))
            continue;
        for (size_t j = 0; j < nm; j++) {
            double truth = frmi_pred_cell(m, t, j);
            bool anchor = false;
            for (size_t a = 0; a < n_anchors; a++)
                anchor = anchor || anchors[a] == j;
            if (anchor || isnan(truth) || isnan(pred[j]))
                continue;
            double e = fabs(pred[j] - truth);
            if (!keep_residual(&res, e, e / spread[j])) {
                rc = frmi_nomem(err);
                goto done;
            }
        }
    }
    if (res.n > 0) {
        double coverage = o->coverage > 0 ? o->coverage : DEFAULT_COVERAGE;
        frmi_sort_ascending(res.raw, res.n);
        frmi_sort_ascending(res.scaled, res.n);
        out->median_error = frm_quantile_sorted(res.raw, res.n, 0.5);
        out->scale = frm_quantile_sorted(res.scaled, res.n, coverage);
        size_t inside = 0;
        while (inside < res.n && res.scaled[inside] <= out->scale)
            inside++;
        out->achieved = (double)inside / (double)res.n;
        out->n_residuals = res.n;
    }
done:
    free(res.raw);
    free(res.scaled);
    free(pool);
    free(others);
    free(pred);
    free(spread);
    free(y);
    free(scratch);
    return rc;
}

frm_code frmi_pred_calibrate(const frmi_pred_matrix *m, const bool *usable, const size_t *anchors,
                             size_t n_anchors, const frmi_pred_options *o,
                             frmi_pred_calibration *out, frm_error *err)
{
    return calibrate(m, usable, anchors, n_anchors, o, out, err);
}

static int by_weight(const void *a, const void *b)
{
    const frmi_pred_neighbour *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return (x->config > y->config) - (x->config < y->config);
}

frm_code frmi_pred_run(const frmi_pred_matrix *m, const bool *usable,
                       const frmi_pred_target *target, const frmi_pred_options *o,
                       frmi_pred_result *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    if (target->n_anchors < 2)
        return frmi_fail(err, FRM_E_ARGUMENT, "%zu anchor%s: the shape of a device's latencies "
                         "needs at least 2 models measured there (3 or more predict better)",
                         target->n_anchors, target->n_anchors == 1 ? "" : "s");
    for (size_t a = 0; a < target->n_anchors; a++)
        if (!isfinite(target->log_latency[a]))
            return frmi_fail(err, FRM_E_ARGUMENT, "anchor '%s': its latency is not a positive "
                             "number", m->models[target->anchors[a]]);
    size_t nm = m->n_models, nc = m->n_configs;
    size_t k = o->neighbours ? o->neighbours : DEFAULT_NEIGHBOURS;
    candidate *cand = malloc(frmi_pred_scratch_size(m));
    double *share = calloc(nc ? nc : 1, sizeof *share);
    size_t *used = calloc(nc ? nc : 1, sizeof *used);
    out->log_latency = malloc((nm ? nm : 1) * sizeof *out->log_latency);
    out->log_lo = malloc((nm ? nm : 1) * sizeof *out->log_lo);
    out->log_hi = malloc((nm ? nm : 1) * sizeof *out->log_hi);
    frm_code rc = FRM_OK;
    if (!cand || !share || !used || !out->log_latency || !out->log_lo || !out->log_hi) {
        rc = frmi_nomem(err);
        goto done;
    }
    size_t n = rank_candidates(m, usable, target, cand);
    if (n == 0) {
        rc = frmi_fail(err, FRM_E_ARGUMENT, "no configuration of the dataset measured all %zu "
                       "anchors: choose anchors the dataset has (--suggest-anchors)",
                       target->n_anchors);
        goto done;
    }
    if ((rc = calibrate(m, usable, target->anchors, target->n_anchors, o, &out->calibration,
                        err)) != FRM_OK)
        goto done;
    size_t n_predicted = 0;
    for (size_t j = 0; j < nm; j++) {
        out->log_latency[j] = predict_model(m, cand, n, k, j, &out->log_lo[j], share, used);
        n_predicted += !isnan(out->log_latency[j]);
    }
    for (size_t j = 0; j < nm; j++) {
        double halfwidth = out->calibration.scale * out->log_lo[j];   /* log_lo held the spread */
        out->log_lo[j] = out->log_latency[j] - halfwidth;
        out->log_hi[j] = out->log_latency[j] + halfwidth;
    }
    size_t n_used = 0;
    for (size_t i = 0; i < n; i++)
        n_used += used[i] > 0;
    out->neighbours = malloc((n_used ? n_used : 1) * sizeof *out->neighbours);
    if (!out->neighbours) {
        rc = frmi_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (used[i])
            out->neighbours[out->n_neighbours++] = (frmi_pred_neighbour){
                cand[i].config, cand[i].distance, cand[i].log_scale,
                share[i] / (double)n_predicted, used[i]};
    qsort(out->neighbours, out->n_neighbours, sizeof *out->neighbours, by_weight);
done:
    free(cand);
    free(share);
    free(used);
    if (rc != FRM_OK)
        frmi_pred_result_release(out);
    return rc;
}

void frmi_pred_result_release(frmi_pred_result *r)
{
    free(r->log_latency);
    free(r->log_lo);
    free(r->log_hi);
    free(r->neighbours);
    memset(r, 0, sizeof *r);
}
