/*
 * frm/stats.h - ranks, descriptive statistics, rank correlations,
 * rank-based tests, multiple-testing adjustment and the bootstrap.
 *
 * Pure functions: no I/O, no global state.  Conventions follow
 * scipy.stats (1.10) so results can be checked against it; the tests
 * compare them with golden values that scipy computed
 * (tests/gen_stats_golden.py).
 *
 * Common rules for the functions below: every buffer belongs to the
 * caller and is only read unless documented otherwise; NaN anywhere in
 * the input is FRM_E_ARGUMENT (infinities are ordinary, ordered
 * values); results are written only when the call returns FRM_OK;
 * FRM_E_NOMEM when working memory cannot be allocated.  p-values are
 * two-sided.
 */
#ifndef FRM_STATS_H
#define FRM_STATS_H

#include <stddef.h>

#include "frm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Ranks `x[0..n)` in ascending order into `ranks` (1 = smallest), ties
 * getting the mean of the ranks they span (scipy.stats.rankdata's
 * "average").  NaN values are not allowed.  `ranks` is caller-owned and
 * may not alias `x`.  Returns FRM_E_NOMEM or FRM_E_ARGUMENT on failure.
 */
frm_code frm_rank_average(const double *x, size_t n, double *ranks);

/*
 * Descriptive statistics of a sample, as hyperfine and the paper report
 * latency.  Quantiles interpolate linearly between order statistics
 * (numpy.percentile's default, R's type 7); the median of an even sample is
 * the mean of the middle two.  `stdev` is the sample standard deviation
 * (n - 1 in the denominator; 0 for n = 1).
 *
 * `ci_lo`, `ci_hi` are the distribution-free confidence interval of the
 * median from order statistics: with B ~ Binomial(n, 1/2), the largest j
 * with P(B <= j - 1) <= (1 - level) / 2 gives [x(j), x(n - j + 1)], whose
 * coverage is at least `level`.  Samples too small for any such j (n < 6
 * at 95%) get [min, max] and `ci_exact` 0.
 */
typedef struct frm_summary {
    size_t n;
    double mean, stdev, min, max;
    double median, p90, p95, p99;
    double ci_lo, ci_hi;
    double ci_coverage;        /* the interval's actual coverage probability */
    int ci_exact;              /* 1: coverage >= level; 0: [min, max] fallback */
} frm_summary;

/*
 * Summarises `x[0..n)` (n >= 1, no NaN) at confidence `level` (0.5 < level
 * < 1, e.g. 0.95).  `x` is not modified.  FRM_E_ARGUMENT on bad input,
 * FRM_E_NOMEM when the sorted copy cannot be allocated.
 */
frm_code frm_summarize(const double *x, size_t n, double level, frm_summary *out);

/* Quantile q in [0, 1] of an ascending `sorted[0..n)`, n >= 1 (type 7). */
double frm_quantile_sorted(const double *sorted, size_t n, double q);

/*
 * 1-based ranks [*j, n - *j + 1] of the median's confidence interval for
 * a sample of n at `level`, as above; *j is 0 when n is too small.  Also
 * returns the coverage of that interval (1 - 2 P(B <= j - 1)).
 */
double frm_median_ci_rank(size_t n, double level, size_t *j);

/* ---- rank correlation ------------------------------------------------- */

/*
 * Spearman's rank correlation of the pairs (x[i], y[i]), i < n, n >= 2:
 * the Pearson correlation of the average ranks (ties share the mean of
 * their ranks), as scipy.stats.spearmanr.  `p` is its two-sided p-value
 * from Student's t with n - 2 degrees of freedom, t = rho sqrt((n - 2) /
 * (1 - rho^2)); |rho| = 1 gives p = 0.  Like scipy: when x or y is
 * constant, rho and p are NaN (FRM_OK); with n = 2, rho is +-1 and p is
 * NaN (no degrees of freedom).  FRM_E_ARGUMENT for n < 2 or NaN.  The
 * p-value is frm_rank_spearman_p(rho, n).
 */
frm_code frm_rank_spearman(const double *x, const double *y, size_t n, double *rho, double *p);

/*
 * The two-sided p-value of a Spearman `rho` from n pairs, by the rule of
 * frm_rank_spearman (and scipy.stats.spearmanr): P(|T| > |t|) for Student's
 * t with n - 2 degrees of freedom, t = rho sqrt((n - 2) / (1 - rho^2)).
 * 0 for |rho| = 1 with n >= 3; NaN for n < 3, a NaN rho or |rho| > 1.
 * For a matrix from frm_rank_spearman_matrix, n is its n_cols.
 */
double frm_rank_spearman_p(double rho, size_t n);

/*
 * Spearman's rho between every pair of rows of a complete table:
 * `values` is n_rows x n_cols, row-major, n_rows >= 1, n_cols >= 2, no
 * NaN; `rho` (caller-owned, n_rows x n_rows, row-major) receives
 * rho[i * n_rows + j] = rho(row i, row j), what frm_rank_spearman gives
 * for those two rows, up to rounding (about 1e-15), clamped to [-1, 1].
 * The matrix is exactly symmetric with 1 on the diagonal, except that a
 * constant row has no correlation: its whole row and column of `rho`,
 * diagonal included, are NaN, as scipy.stats.spearmanr says nan.
 *
 * Each row is ranked once (frm_rank_average), centred and scaled to unit
 * length; rho is then their Gram matrix, one BLAS dsyrk: O(n_rows n_cols
 * log n_cols + n_rows^2 n_cols) time, n_rows n_cols doubles of working
 * memory besides `rho`.  The BLAS (OpenBLAS) may run it on several threads
 * of its own (OPENBLAS_NUM_THREADS sets how many), and the last bits can
 * differ between BLAS builds, CPUs and thread counts.
 *
 * FRM_E_ARGUMENT for NULL buffers, bad sizes, NaN, or more than INT_MAX
 * rows or columns (the BLAS's integer); FRM_E_NOMEM when the sizes
 * overflow or working memory cannot be allocated.
 */
frm_code frm_rank_spearman_matrix(const double *values, size_t n_rows, size_t n_cols,
                                  double *rho);

/*
 * Kendall's tau-b of the pairs (x[i], y[i]), i < n, n >= 2,
 *   tau = (C - D) / sqrt((P - Tx) (P - Ty)),
 * P = n (n - 1) / 2 pairs, C and D the concordant and discordant ones,
 * Tx and Ty those tied in x and in y.  `p` is scipy.stats.kendalltau's
 * default (method 'auto'): without ties and with n <= 33 or min(D, C) <= 1,
 * the exact distribution of C - D over the n! permutations; otherwise
 * C - D against a normal with the tie-corrected variance.  When x or y is
 * constant, tau and p are NaN (FRM_OK), as scipy.  O(n log n) time
 * (merge sort counting discordant pairs), O(n) memory.  FRM_E_ARGUMENT for
 * n < 2, n > 2^32 - 1 or NaN.
 */
frm_code frm_rank_kendall_tau_b(const double *x, const double *y, size_t n, double *tau,
                                double *p);

/* ---- rank tests -------------------------------------------------------- */

/*
 * Mann-Whitney U test of the independent samples x[0..nx) and y[0..ny),
 * nx, ny >= 1, as scipy.stats.mannwhitneyu(x, y) with its defaults
 * (two-sided, use_continuity=True, method 'auto').  `u` is the statistic
 * of the first sample, U1 = R1 - nx (nx + 1) / 2, R1 the sum of x's
 * average ranks in the pooled sample.  With U = max(U1, nx ny - U1):
 *  - exact, when nx <= 8 or ny <= 8 and no value occurs twice in the
 *    pooled sample: p = 2 P(U' >= U) under the null distribution of U
 *    (all C(nx + ny, nx) arrangements equally likely), capped at 1;
 *  - otherwise normal: z = (U - nx ny / 2 - 1/2) / s, s^2 = nx ny / 12
 *    ((N + 1) - sum(t^3 - t) / (N (N - 1))), N = nx + ny, t the sizes of
 *    the groups of tied values; p = 2 P(Z > z), capped at 1.  When every
 *    value is equal s is 0 and p is 1, as scipy.
 * The exact branch costs O(min(nx, ny) * nx * ny) time and
 * O(nx * ny) memory.  FRM_E_ARGUMENT for an empty sample or NaN.
 */
frm_code frm_mann_whitney_u(const double *x, size_t nx, const double *y, size_t ny, double *u,
                            double *p);

/*
 * Wilcoxon signed-rank test of the differences d[i] = x[i] - y[i], i < n,
 * or of d = x when `y` is NULL, as scipy.stats.wilcoxon 1.10 with its
 * defaults (zero_method 'wilcox', correction False, two-sided, method
 * 'auto').  `statistic` is min(W+, W-), the sums of the average ranks of
 * |d| over the positive and the negative differences.
 *  - exact, when n <= 50 and no difference is zero: the null
 *    distribution of W+ over the 2^n sign patterns.  Like scipy 1.10,
 *    tied |d| are not a reason to leave it, and the half-integer W+ that
 *    ties can give is truncated to an integer before the lookup; p is 1
 *    when the truncated W+ is floor(n (n + 1) / 4), else twice the
 *    smaller tail (both tails include W+ itself), capped at 1;
 *  - otherwise normal, after dropping the zero differences (m remain):
 *    z = (T - m (m + 1) / 4) / sqrt((m (m + 1) (2m + 1) - sum(t^3 - t) / 2)
 *    / 24), t the sizes of the groups of tied |d|, p = 2 P(Z > |z|).
 * FRM_E_ARGUMENT for n = 0, NaN (in x, y or a difference) or when every
 * difference is zero (scipy raises).
 */
frm_code frm_wilcoxon_signed_rank(const double *x, const double *y, size_t n,
                                  double *statistic, double *p);

/*
 * Kruskal-Wallis H test of k >= 2 independent groups, group i being
 * groups[i][0..sizes[i]) with sizes[i] >= 1, as scipy.stats.kruskal:
 *   H = (12 / (N (N + 1)) sum(R_i^2 / n_i) - 3 (N + 1)) / (1 - sum(t^3 - t)
 *       / (N^3 - N)),
 * R_i the sum of group i's average ranks in the pooled sample of N, t the
 * sizes of the groups of tied values; p = P(chi^2_{k-1} > H).
 * FRM_E_ARGUMENT for k < 2, an empty group, NaN, or when all N values are
 * equal (scipy raises).
 */
frm_code frm_kruskal_wallis(const double *const *groups, const size_t *sizes, size_t k,
                            double *h, double *p);

/* ---- multiple testing -------------------------------------------------- */

/*
 * Adjusted p-values of m >= 1 tests, p[i] in [0, 1], into adjusted[0..m),
 * as statsmodels.stats.multitest.multipletests: Bonferroni min(1, m p[i]);
 * Holm's step-down with the i-th smallest p-value (i from 0) multiplied by
 * m - i, made non-decreasing along that order by a running maximum, and
 * capped at 1.  `adjusted` may be `p` itself.  FRM_E_ARGUMENT for m = 0 or
 * a p-value outside [0, 1] or NaN; Holm can fail with FRM_E_NOMEM.
 */
frm_code frm_p_adjust_bonferroni(const double *p, size_t m, double *adjusted);
frm_code frm_p_adjust_holm(const double *p, size_t m, double *adjusted);

/* ---- description and the bootstrap ------------------------------------- */

/*
 * A sample's location and spread, as numpy and scipy.stats compute them:
 * `std` is the sample standard deviation (ddof = 1, n - 1 in the
 * denominator; NaN for n = 1), `median` the mean of the middle two for an
 * even n, and `cv` the coefficient of variation std / mean with that same
 * ddof = 1 std (scipy.stats.variation(x, ddof=1)): it keeps the sign of
 * the mean and follows IEEE division, so a zero mean gives +-inf, or NaN
 * when std is 0 too.
 */
typedef struct frm_description {
    size_t n;
    double mean, std, median, cv;
} frm_description;

/* Describes x[0..n), 1 <= n <= 2^32 - 1 (through frm_summarize, which
 * sorts a copy).  FRM_E_ARGUMENT for a bad n or NaN. */
frm_code frm_describe(const double *x, size_t n, frm_description *out);

/*
 * A statistic of a bootstrap resample `sample[0..n)`, n >= 1.  The buffer
 * is scratch space owned by the bootstrap: the statistic may reorder it
 * (sort it) but must not keep it.  `ctx` is passed through unchanged.
 */
typedef double (*frm_statistic_fn)(double *sample, size_t n, void *ctx);

/* Ready-made statistics for frm_bootstrap_ci; `ctx` is unused.  The mean
 * of n copies of c is exactly c; the median sorts `sample`. */
double frm_statistic_mean(double *sample, size_t n, void *ctx);
double frm_statistic_median(double *sample, size_t n, void *ctx);

/*
 * Percentile bootstrap confidence interval of `stat` over x[0..n),
 * 1 <= n <= 2^32 - 1: `resamples` >= 1 samples of n values drawn from x
 * with replacement, using GSL's MT19937 generator seeded with `seed`
 * (gsl_rng_set; GSL maps seed 0 to its default seed 4357), so a seed
 * always gives the same interval.  [*lo, *hi] are the (1 - level) / 2 and
 * (1 + level) / 2 quantiles of the resampled statistics, interpolated as
 * frm_quantile_sorted (numpy.percentile's default, as
 * scipy.stats.bootstrap's method 'percentile'), 0 < level < 1.
 * FRM_E_ARGUMENT for bad sizes or level, NaN in x, or a statistic that
 * returns NaN.  O(resamples * cost of stat) time, O(n + resamples) memory.
 */
frm_code frm_bootstrap_ci(const double *x, size_t n, frm_statistic_fn stat, void *ctx,
                          size_t resamples, double level, unsigned long seed, double *lo,
                          double *hi);

#ifdef __cplusplus
}
#endif

#endif
