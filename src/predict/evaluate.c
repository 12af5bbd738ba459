/*
 * predict/evaluate.c - how well each method predicts a device it never
 * saw: leave a group (a device, or one configuration) out, predict each of
 * its configurations from the rest given its anchors, compare with what it
 * measured.  The baselines get the same anchors:
 *
 *   nearest    the single nearest configuration, scaled (k = 1)
 *   macs-fit   ln latency = a + b ln MACs, least squares on the anchors
 *   macs       the ranking by MACs alone (no latency to compare)
 *   reference  the paper's transfer: one reference configuration for every
 *              target, scaled on the anchors; the one that does best over
 *              all targets is chosen after the fact (an upper bound on
 *              picking one in advance)
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "frm/stats.h"
#include "predict/predict.h"
#include "stats/sort.h"
#include "util/error.h"

#define DEFAULT_MIN_MODELS 5
/* Reference candidates: the configurations that measured the most models. */
#define REFERENCE_CANDIDATES 50

const char *frmi_pred_method_name(frmi_pred_method k)
{
    static const char *const names[FRMI_PRED_N_METHODS] = {"frm", "nearest", "macs-fit", "macs",
                                                           "reference"};
    return k < FRMI_PRED_N_METHODS ? names[k] : "?";
}

/* What one method gave over the targets, before summarising. */
typedef struct tally {
    double *rho, *ordering, *ape;
    size_t n_rho, n_ordering, n_ape, cap_rho, cap_ordering, cap_ape;
    size_t top1, top3, inside, n_interval, n_targets;
    bool failed;
} tally;

static void push(double **v, size_t *n, size_t *cap, double x, bool *failed)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        double *g = realloc(*v, c * sizeof *g);
        if (!g) {
            *failed = true;
            return;
        }
        *v = g;
        *cap = c;
    }
    (*v)[(*n)++] = x;
}

typedef struct pair {
    double key;
    size_t index;
} pair;

static int by_key(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Scratch for scoring one prediction of one target. */
typedef struct scorer {
    double *pred, *truth, *xs, *ys, *tmp;
    pair *order;
} scorer;

/*
 * Scores predictions p[0..n) against truths y[0..n) (ln ms); `latency`:
 * p is a latency (APE counted), not only a ranking.  lo/hi: the interval,
 * or NULL.
 */
static void score(tally *t, scorer *s, const double *p, const double *y, size_t n,
                  size_t min_models, bool latency, const double *lo, const double *hi)
{
    if (n < min_models || n < 3)
        return;
    double rho, pval;
    if (frm_rank_spearman(p, y, n, &rho, &pval) != FRM_OK || isnan(rho))
        return;
    t->n_targets++;
    push(&t->rho, &t->n_rho, &t->cap_rho, rho, &t->failed);
    for (size_t i = 0; i < n; i++)
        s->order[i] = (pair){p[i], i};
    qsort(s->order, n, sizeof *s->order, by_key);
    for (size_t i = 0; i < n; i++) {
        s->xs[i] = p[s->order[i].index];
        s->ys[i] = y[s->order[i].index];
    }
    push(&t->ordering, &t->n_ordering, &t->cap_ordering,
         frmi_ordering_agreement(s->xs, s->ys, n, s->tmp), &t->failed);
    /* the truly fastest: predicted first, or in the first three */
    size_t fastest = 0;
    for (size_t i = 1; i < n; i++)
        if (y[i] < y[fastest])
            fastest = i;
    size_t ahead = 0;
    for (size_t i = 0; i < n; i++)
        ahead += p[i] < p[fastest];
    t->top1 += ahead == 0;
    t->top3 += ahead < 3;
    if (latency)
        for (size_t i = 0; i < n; i++)
            push(&t->ape, &t->n_ape, &t->cap_ape, fabs(exp(p[i] - y[i]) - 1), &t->failed);
    if (lo)
        for (size_t i = 0; i < n; i++) {
            t->inside += y[i] >= lo[i] && y[i] <= hi[i];
            t->n_interval++;
        }
}

static void summarise(tally *t, frmi_pred_scores *out)
{
    memset(out, 0, sizeof *out);
    out->n_targets = t->n_targets;
    out->mean_rho = out->min_rho = out->ordering = out->median_ape = out->p90_ape = NAN;
    out->top1 = out->top3 = out->coverage = NAN;
    if (t->n_targets == 0 || t->n_rho != t->n_targets || t->n_ordering != t->n_targets)
        return;
    double sum = 0, min = INFINITY, osum = 0;
    for (size_t i = 0; i < t->n_rho; i++) {
        sum += t->rho[i];
        min = t->rho[i] < min ? t->rho[i] : min;
        osum += t->ordering[i];
    }
    out->mean_rho = sum / (double)t->n_rho;
    out->min_rho = min;
    out->ordering = osum / (double)t->n_rho;
    out->top1 = (double)t->top1 / (double)t->n_targets;
    out->top3 = (double)t->top3 / (double)t->n_targets;
    if (t->n_ape) {
        frmi_sort_ascending(t->ape, t->n_ape);
        out->median_ape = frm_quantile_sorted(t->ape, t->n_ape, 0.5);
        out->p90_ape = frm_quantile_sorted(t->ape, t->n_ape, 0.9);
    }
    out->n_predictions = t->n_ape;
    if (t->n_interval)
        out->coverage = (double)t->inside / (double)t->n_interval;
}

static void tally_free(tally *t)
{
    free(t->rho);
    free(t->ordering);
    free(t->ape);
}

/* A target scored later against the reference candidates. */
typedef struct scored_target {
    size_t config;
    size_t anchors[16];
    size_t n_anchors;
} scored_target;

static bool is_anchor(const size_t *anchors, size_t n, size_t j)
{
    for (size_t a = 0; a < n; a++)
        if (anchors[a] == j)
            return true;
    return false;
}

/* ln latency = a + b ln MACs through the anchors with MACs; false when it cannot be fitted. */
static bool macs_fit(const frmi_pred_matrix *m, const scored_target *st, double *a, double *b)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t n = 0;
    for (size_t i = 0; i < st->n_anchors; i++) {
        double x = log(m->macs[st->anchors[i]]), y = frmi_pred_cell(m, st->config, st->anchors[i]);
        if (!isfinite(x) || isnan(y))
            continue;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        n++;
    }
    if (n < 2)
        return false;
    double var = sxx - sx * sx / (double)n;
    *b = var > 1e-12 ? (sxy - sx * sy / (double)n) / var : 1;
    *a = (sy - *b * sx) / (double)n;
    return true;
}

frm_code frmi_pred_evaluate(const frmi_pred_matrix *m, const frmi_pred_eval_options *o,
                            frmi_pred_evaluation *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    out->reference = SIZE_MAX;
    size_t nc = m->n_configs, nm = m->n_models;
    size_t k_anchors = o->anchors ? o->n_anchors : o->n_anchors ? o->n_anchors : 3;
    if (k_anchors < 2 || k_anchors > 16)
        return frmi_fail(err, FRM_E_ARGUMENT, "%zu anchors: between 2 and 16 are supported",
                         k_anchors);
    size_t min_models = o->min_models ? o->min_models : DEFAULT_MIN_MODELS;
    size_t n_groups = o->group == FRMI_PRED_BY_DEVICE ? m->n_devices : nc;
    bool *usable = malloc((nc ? nc : 1) * sizeof *usable);
    double *pred = malloc((nm ? nm : 1) * sizeof *pred);
    double *near = malloc((nm ? nm : 1) * sizeof *near);
    double *spread = malloc((nm ? nm : 1) * sizeof *spread);
    void *scratch = malloc(frmi_pred_scratch_size(m));
    scorer s = {malloc((nm ? nm : 1) * sizeof(double)), malloc((nm ? nm : 1) * sizeof(double)),
                malloc((nm ? nm : 1) * sizeof(double)), malloc((nm ? nm : 1) * sizeof(double)),
                malloc((nm ? nm : 1) * sizeof(double)), malloc((nm ? nm : 1) * sizeof(pair))};
    double *lo = malloc((nm ? nm : 1) * sizeof *lo), *hi = malloc((nm ? nm : 1) * sizeof *hi);
    double *p2 = malloc((nm ? nm : 1) * sizeof *p2);
    scored_target *targets = malloc((nc ? nc : 1) * sizeof *targets);
    tally all[FRMI_PRED_N_METHODS], tier[4][FRMI_PRED_N_METHODS];
    memset(all, 0, sizeof all);
    memset(tier, 0, sizeof tier);
    size_t n_targets = 0;
    frm_code rc = FRM_OK;
    if (!usable || !pred || !near || !spread || !scratch || !s.pred || !s.truth || !s.xs || !s.ys ||
        !s.tmp || !s.order || !lo || !hi || !p2 || !targets) {
        rc = frmi_nomem(err);
        goto done;
    }
    for (size_t g = 0; g < n_groups; g++) {
        bool any = false;
        for (size_t c = 0; c < nc; c++) {
            bool in = o->group == FRMI_PRED_BY_DEVICE ? m->device[c] == g : c == g;
            usable[c] = !in;
            any = any || in;
        }
        if (!any)
            continue;
        size_t anchors[16];
        if (o->anchors) {
            memcpy(anchors, o->anchors, k_anchors * sizeof *anchors);
        } else if ((rc = frmi_pred_suggest(m, usable, anchors, 0, k_anchors, NULL, err)) !=
                   FRM_OK) {
            goto done;
        }
        frmi_pred_calibration cal;
        if ((rc = frmi_pred_calibrate(m, usable, anchors, k_anchors, &o->predict, &cal, err)) !=
            FRM_OK)
            goto done;
        double halfwidth = cal.scale;
        out->n_folds++;
        for (size_t c = 0; c < nc; c++) {
            if (usable[c])
                continue;
            double y[16];
            size_t a, others = 0;
            for (a = 0; a < k_anchors && !isnan(y[a] = frmi_pred_cell(m, c, anchors[a])); a++)
                ;
            for (size_t j = 0; j < nm; j++)
                others += !isnan(frmi_pred_cell(m, c, j)) && !is_anchor(anchors, k_anchors, j);
            frmi_pred_target t = {anchors, y, k_anchors};
            if (a < k_anchors || others < min_models ||
                !frmi_pred_point(m, usable, &t, cal.neighbours, pred, spread, scratch)) {
                out->n_skipped_targets++;
                continue;
            }
            frmi_pred_point(m, usable, &t, 1, near, NULL, scratch);
            scored_target *st = &targets[n_targets++];
            st->config = c;
            st->n_anchors = k_anchors;
            memcpy(st->anchors, anchors, k_anchors * sizeof *anchors);
            double fa = NAN, fb = NAN;
            bool fitted = macs_fit(m, st, &fa, &fb);
            frm_tier tr = m->configs[c]->tier;
            for (int method = 0; method < FRMI_PRED_REFERENCE; method++) {
                size_t n = 0;
                for (size_t j = 0; j < nm; j++) {
                    double truth = frmi_pred_cell(m, c, j);
                    if (isnan(truth) || is_anchor(anchors, k_anchors, j))
                        continue;
                    double p = method == FRMI_PRED_FRM       ? pred[j]
                               : method == FRMI_PRED_NEAREST ? near[j]
                               : !isfinite(log(m->macs[j]))  ? NAN
                               : method == FRMI_PRED_MACS    ? log(m->macs[j])
                               : fitted                      ? fa + fb * log(m->macs[j])
                                                             : NAN;
                    if (isnan(p))
                        continue;
                    s.pred[n] = p;
                    s.truth[n] = truth;
                    lo[n] = pred[j] - halfwidth * spread[j];
                    hi[n] = pred[j] + halfwidth * spread[j];
                    n++;
                }
                bool interval = method == FRMI_PRED_FRM && !isnan(halfwidth);
                bool latency = method != FRMI_PRED_MACS;
                score(&all[method], &s, s.pred, s.truth, n, min_models, latency,
                      interval ? lo : NULL, interval ? hi : NULL);
                if (tr >= 0 && tr < 4)
                    score(&tier[tr][method], &s, s.pred, s.truth, n, min_models, latency,
                          interval ? lo : NULL, interval ? hi : NULL);
            }
        }
    }
    if (n_targets == 0) {
        rc = frmi_fail(err, FRM_E_ARGUMENT, "no configuration could be scored: none measured "
                       "all %zu anchors and %zu other models with another device to learn from",
                       k_anchors, min_models);
        goto done;
    }
    /* the reference: among the most complete configurations, the best over every target */
    pair *cand = malloc((nc ? nc : 1) * sizeof *cand);
    if (!cand) {
        rc = frmi_nomem(err);
        goto done;
    }
    for (size_t c = 0; c < nc; c++) {
        cand[c] = (pair){0, c};
        for (size_t j = 0; j < nm; j++)
            cand[c].key -= !isnan(frmi_pred_cell(m, c, j));
    }
    qsort(cand, nc, sizeof *cand, by_key);
    size_t n_cand = nc < REFERENCE_CANDIDATES ? nc : REFERENCE_CANDIDATES;
    double best = -INFINITY;
    for (size_t i = 0; i < n_cand; i++) {
        size_t r = cand[i].index;
        double sum = 0;
        for (size_t ti = 0; ti < n_targets; ti++) {
            const scored_target *st = &targets[ti];
            bool same = o->group == FRMI_PRED_BY_DEVICE ? m->device[r] == m->device[st->config]
                                                          : r == st->config;
            size_t n = 0;
            for (size_t j = 0; !same && j < nm; j++) {
                double x = frmi_pred_cell(m, r, j), y = frmi_pred_cell(m, st->config, j);
                if (!isnan(x) && !isnan(y) && !is_anchor(st->anchors, st->n_anchors, j)) {
                    s.pred[n] = x;
                    s.truth[n++] = y;
                }
            }
            double rho = NAN, p;
            if (n >= 3 && frm_rank_spearman(s.pred, s.truth, n, &rho, &p) == FRM_OK && !isnan(rho))
                sum += rho;        /* a target the reference cannot rank counts 0 */
        }
        if (sum > best) {
            best = sum;
            out->reference = r;
        }
    }
    free(cand);
    for (size_t ti = 0; out->reference != SIZE_MAX && ti < n_targets; ti++) {
        const scored_target *st = &targets[ti];
        size_t r = out->reference;
        if (o->group == FRMI_PRED_BY_DEVICE ? m->device[r] == m->device[st->config]
                                             : r == st->config)
            continue;
        double scale = 0;
        size_t a;
        for (a = 0; a < st->n_anchors; a++) {
            double x = frmi_pred_cell(m, r, st->anchors[a]);
            if (isnan(x))
                break;
            scale += frmi_pred_cell(m, st->config, st->anchors[a]) - x;
        }
        bool scaled = a == st->n_anchors;
        scale /= (double)st->n_anchors;
        size_t n = 0;
        for (size_t j = 0; j < nm; j++) {
            double x = frmi_pred_cell(m, r, j), y = frmi_pred_cell(m, st->config, j);
            if (!isnan(x) && !isnan(y) && !is_anchor(st->anchors, st->n_anchors, j)) {
                p2[n] = x + scale;
                s.truth[n++] = y;
            }
        }
        frm_tier tr = m->configs[st->config]->tier;
        score(&all[FRMI_PRED_REFERENCE], &s, p2, s.truth, n, min_models, scaled, NULL, NULL);
        if (tr >= 0 && tr < 4)
            score(&tier[tr][FRMI_PRED_REFERENCE], &s, p2, s.truth, n, min_models, scaled, NULL,
                  NULL);
    }
    for (int k = 0; k < FRMI_PRED_N_METHODS; k++) {
        if (all[k].failed)
            rc = frmi_nomem(err);
        summarise(&all[k], &out->all[k]);
        for (int t = 0; t < 4; t++) {
            if (tier[t][k].failed)
                rc = frmi_nomem(err);
            summarise(&tier[t][k], &out->tier[t][k]);
        }
    }
done:
    for (int k = 0; k < FRMI_PRED_N_METHODS; k++) {
        tally_free(&all[k]);
        for (int t = 0; t < 4; t++)
            tally_free(&tier[t][k]);
    }
    free(usable);
    free(pred);
    free(near);
    free(spread);
    free(scratch);
    free(s.pred);
    free(s.truth);
    free(s.xs);
    free(s.ys);
    free(s.tmp);
    free(s.order);
    free(lo);
    free(hi);
    free(p2);
    free(targets);
    return rc;
}
