/*
 * stats/correlation.c - rank correlations: Spearman's rho and Kendall's
 * tau-b, with the two-sided p-values of scipy.stats.spearmanr and
 * scipy.stats.kendalltau.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "frm/stats.h"
#include "stats/ties.h"

/* ---- Spearman ----------------------------------------------------------- */

/*
 * P(|T| > t) for t = rho sqrt(nu / (1 - rho^2)) is I_{1 - rho^2}(nu / 2,
 * 1 / 2), the beta distribution's CDF.  It is used instead of
 * gsl_cdf_tdist_Q, which loses up to 7 digits far in the tail with tens of
 * degrees of freedom (p ~ 1e-31 at n = 60), where scipy stays exact.
 */
double frm_rank_spearman_p(double rho, size_t n)
{
    if (n < 3)
        return NAN;                /* no degrees of freedom left, as scipy */
    if (!(fabs(rho) <= 1.0))
        return NAN;                /* not a correlation: scipy's t is NaN too */
    if (fabs(rho) == 1.0)
        return 0.0;                /* t is infinite */
    return gsl_cdf_beta_P((1.0 - rho) * (1.0 + rho), (double)(n - 2) / 2.0, 0.5);
}

frm_code frm_rank_spearman(const double *x, const double *y, size_t n, double *rho, double *p)
{
    if (!x || !y || !rho || !p || n < 2 || frmi_any_nan(x, n) || frmi_any_nan(y, n))
        return FRM_E_ARGUMENT;
    if (n > SIZE_MAX / (2 * sizeof(double)))
        return FRM_E_NOMEM;
    double *rx = malloc(2 * n * sizeof *rx);
    if (!rx)
        return FRM_E_NOMEM;
    double *ry = rx + n;
    frm_code rc = frm_rank_average(x, n, rx);
    if (rc == FRM_OK)
        rc = frm_rank_average(y, n, ry);
    if (rc != FRM_OK) {
        free(rx);
        return rc;
    }
    /* Average ranks always sum to n (n + 1) / 2, whatever the ties. */
    double mean = (double)(n + 1) / 2.0;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = rx[i] - mean, dy = ry[i] - mean;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    free(rx);
    if (sxx == 0.0 || syy == 0.0) {
        /* A constant input has no correlation; scipy returns nan, nan. */
        *rho = NAN;
        *p = NAN;
        return FRM_OK;
    }
    double r = sxy / sqrt(sxx * syy);
    r = fmin(1.0, fmax(-1.0, r));   /* rounding can step just past +-1 */
    *rho = r;
    *p = frm_rank_spearman_p(r, n);
    return FRM_OK;
}

/* ---- Kendall ------------------------------------------------------------ */

typedef struct xy_pair {
    double x, y;
} xy_pair;

static int by_x_then_y(const void *a, const void *b)
{
    const xy_pair *p = a, *q = b;
    if (p->x != q->x)
        return (p->x > q->x) - (p->x < q->x);
    return (p->y > q->y) - (p->y < q->y);
}

/* The sums over groups of tied values that tau-b and its variance need. */
typedef struct tie_sums {
    uint64_t pairs;            /* sum t (t - 1) / 2: tied pairs */
    double v0;                 /* sum t (t - 1) (t - 2) */
    double v1;                 /* sum t (t - 1) (2t + 5) */
} tie_sums;

static void add_group(tie_sums *s, size_t size)
{
    uint64_t t = size;
    double d = (double)size;
    s->pairs += t * (t - 1) / 2;
    s->v0 += d * (d - 1.0) * (d - 2.0);
    s->v1 += d * (d - 1.0) * (2.0 * d + 5.0);
}

/*
 * Sorts y[0..n) ascending with a bottom-up merge sort and returns how many
 * pairs i < j had y[i] > y[j] before.  Given the pairs in (x, y) order,
 * those are exactly the discordant pairs: equal x come with ascending y,
 * so they add nothing (Knight's O(n log n) algorithm).
 */
static uint64_t sort_counting_inversions(double *y, double *tmp, size_t n)
{
    uint64_t inversions = 0;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = mid + width < n ? mid + width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                if (y[i] <= y[j]) {
                    tmp[k++] = y[i++];
                } else {
                    inversions += mid - i;
                    tmp[k++] = y[j++];
                }
            }
            while (i < mid)
                tmp[k++] = y[i++];
            while (j < hi)
                tmp[k++] = y[j++];
        }
        for (size_t k = 0; k < n; k++)
            y[k] = tmp[k];
    }
    return inversions;
}

/*
 * scipy's exact two-sided p-value for c = min(C, P - C) concordant pairs
 * without ties: 2 P(inversions <= c) over the permutations of n.  The
 * inversion distribution of n items is that of n - 1 items plus a uniform
 * 0..n-1, so it is built as probabilities (no n! to overflow), only up to
 * c.  At the centre, 4c = n (n - 1), scipy reports 1.
 */
static frm_code kendall_exact_p(size_t n, uint64_t c, double *p)
{
    if (4 * c == (uint64_t)n * (n - 1)) {
        *p = 1.0;
        return FRM_OK;
    }
    double *prob = calloc(c + 1, sizeof *prob);
    if (!prob)
        return FRM_E_NOMEM;
    prob[0] = 1.0;
    for (size_t j = 2; j <= n; j++) {
        /* Descending k keeps the previous distribution at indices <= k. */
        for (uint64_t k = c + 1; k-- > 0;) {
            uint64_t reach = k < j - 1 ? k : j - 1;
            double sum = 0.0;
            for (uint64_t i = 0; i <= reach; i++)
                sum += prob[k - i];
            prob[k] = sum / (double)j;
        }
    }
    double tail = 0.0;
    for (uint64_t k = 0; k <= c; k++)
        tail += prob[k];
    free(prob);
    *p = fmin(1.0, 2.0 * tail);
    return FRM_OK;
}

frm_code frm_rank_kendall_tau_b(const double *x, const double *y, size_t n, double *tau,
                                double *p)
{
    /* Beyond 2^32 values the pair counts could overflow 64 bits. */
    if (!x || !y || !tau || !p || n < 2 || n > UINT32_MAX || frmi_any_nan(x, n) ||
        frmi_any_nan(y, n))
        return FRM_E_ARGUMENT;
    if (n > SIZE_MAX / (2 * sizeof(xy_pair)))
        return FRM_E_NOMEM;
    xy_pair *pairs = malloc(n * sizeof *pairs);
    double *ys = malloc(2 * n * sizeof *ys);
    if (!pairs || !ys) {
        free(pairs);
        free(ys);
        return FRM_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        pairs[i] = (xy_pair){x[i], y[i]};
    qsort(pairs, n, sizeof *pairs, by_x_then_y);

    tie_sums xt = {0, 0.0, 0.0}, yt = {0, 0.0, 0.0};
    uint64_t joint = 0;              /* pairs tied in both x and y */
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && pairs[end].x == pairs[start].x)
            end++;
        add_group(&xt, end - start);
        for (size_t s = start; s < end;) {
            size_t e = s + 1;
            while (e < end && pairs[e].y == pairs[s].y)
                e++;
            joint += (uint64_t)(e - s) * (e - s - 1) / 2;
            s = e;
        }
        start = end;
    }
    for (size_t i = 0; i < n; i++)
        ys[i] = pairs[i].y;
    free(pairs);
    uint64_t discordant = sort_counting_inversions(ys, ys + n, n);
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && ys[end] == ys[start])
            end++;
        add_group(&yt, end - start);
        start = end;
    }
    free(ys);

    uint64_t total = (uint64_t)n * (n - 1) / 2;
    if (xt.pairs == total || yt.pairs == total) {
        /* A constant input has no correlation; scipy returns nan, nan. */
        *tau = NAN;
        *p = NAN;
        return FRM_OK;
    }
    /* total = C + D + (Tx - joint) + (Ty - joint) + joint */
    uint64_t untied = total - xt.pairs - yt.pairs + joint;      /* C + D */
    double s = (double)untied - 2.0 * (double)discordant;       /* C - D */
    double t = s / sqrt((double)(total - xt.pairs)) / sqrt((double)(total - yt.pairs));

    double pvalue;
    uint64_t concordant = total - discordant;   /* without ties, C = P - D */
    uint64_t smaller = discordant < concordant ? discordant : concordant;
    if (xt.pairs == 0 && yt.pairs == 0 && (n <= 33 || smaller <= 1)) {
        frm_code rc = kendall_exact_p(n, smaller, &pvalue);
        if (rc != FRM_OK)
            return rc;
    } else {
        /* The variance of C - D under independence, corrected for ties. */
        double nn = (double)n, m = nn * (nn - 1.0);
        double var = (m * (2.0 * nn + 5.0) - xt.v1 - yt.v1) / 18.0
                   + 2.0 * (double)xt.pairs * (double)yt.pairs / m
                   + xt.v0 * yt.v0 / (9.0 * m * (nn - 2.0));
        pvalue = 2.0 * gsl_cdf_ugaussian_Q(fabs(s) / sqrt(var));
    }
    *tau = fmin(1.0, fmax(-1.0, t));   /* rounding can step just past +-1 */
    *p = pvalue;
    return FRM_OK;
}
