/*
 * tests/test_stats.c - rank correlations, rank tests, p-value adjustment,
 * description and the bootstrap.
 *
 * Expected values come from scipy 1.10 through tests/data/stats_golden.json,
 * written by tests/gen_stats_golden.py (rerun it with /usr/bin/python3 to
 * regenerate).  Statistics must agree to a relative 1e-9 and p-values to
 * 1e-6, or to 1e-12 absolute near zero; where scipy says nan, frm must
 * say NaN.  The bootstrap has no scipy counterpart with the same
 * generator, so its tests check determinism and exact degenerate cases.
 */
#include "testutil.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN FRM_SOURCE_DIR "/tests/data/stats_golden.json"
#define REL_STATISTIC 1e-9
#define REL_P 1e-6
#define ABS_NEAR_ZERO 1e-12

static json_t *golden;

static int load_golden(void **state)
{
    (void)state;
    json_error_t err;
    golden = json_load_file(GOLDEN, 0, &err);
    if (!golden)
        print_error("%s:%d: %s\n", GOLDEN, err.line, err.text);
    return golden ? 0 : -1;
}

static int free_golden(void **state)
{
    (void)state;
    json_decref(golden);
    return 0;
}

/* A fixture number: JSON numbers, or "nan", "inf", "-inf". */
static double number(const json_t *v)
{
    if (json_is_number(v))
        return json_number_value(v);
    const char *s = json_string_value(v);
    if (s && strcmp(s, "nan") == 0)
        return NAN;
    if (s && strcmp(s, "inf") == 0)
        return INFINITY;
    if (s && strcmp(s, "-inf") == 0)
        return -INFINITY;
    fail_msg("not a number in %s", GOLDEN);
    return NAN;
}

/* The numbers of a fixture array; the caller frees. */
static double *numbers(const json_t *array, size_t *n)
{
    assert_true(json_is_array(array));
    *n = json_array_size(array);
    double *v = malloc((*n ? *n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < *n; i++)
        v[i] = number(json_array_get(array, i));
    return v;
}

/* The cases of one function, at least `min` of them. */
static const json_t *cases(const char *function, size_t min)
{
    const json_t *list = json_object_get(golden, function);
    assert_true(json_is_array(list));
    if (json_array_size(list) < min)
        fail_msg("%s: %zu golden cases, expected at least %zu", function,
                 json_array_size(list), min);
    return list;
}

static const char *name_of(const json_t *c)
{
    return json_string_value(json_object_get(c, "name"));
}

static int agrees(double actual, double expected, double rel)
{
    if (isnan(expected))
        return isnan(actual);
    if (isinf(expected))
        return actual == expected;
    double diff = fabs(actual - expected);
    return diff <= ABS_NEAR_ZERO || diff <= rel * fabs(expected);
}

/* Checks `actual` against the value under `key` of case `c`. */
static void expect(const char *function, const json_t *c, const char *key, double actual,
                   double rel)
{
    double expected = number(json_object_get(c, key));
    if (!agrees(actual, expected, rel))
        fail_msg("%s %s: %s = %.17g, scipy %.17g", function, name_of(c), key, actual, expected);
}

static void expect_statistic_and_p(const char *function, const json_t *c, double statistic,
                                   double p)
{
    expect(function, c, "statistic", statistic, REL_STATISTIC);
    expect(function, c, "pvalue", p, REL_P);
}

typedef frm_code (*pair_fn)(const double *, const double *, size_t, double *, double *);

static void check_pairs(const char *function, pair_fn fn, size_t min_cases)
{
    const json_t *list = cases(function, min_cases);
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        size_t nx, ny;
        double *x = numbers(json_object_get(c, "x"), &nx);
        double *y = numbers(json_object_get(c, "y"), &ny);
        assert_int_equal(nx, ny);
        double statistic = -7, p = -7;
        frm_code rc = fn(x, y, nx, &statistic, &p);
        if (rc != FRM_OK)
            fail_msg("%s %s: %s", function, name_of(c), frm_strerror(rc));
        expect_statistic_and_p(function, c, statistic, p);
        free(x);
        free(y);
    }
}

static void spearman_matches_scipy(void **state)
{
    (void)state;
    check_pairs("spearman", frm_rank_spearman, 12);
}

static void kendall_matches_scipy(void **state)
{
    (void)state;
    check_pairs("kendall_tau_b", frm_rank_kendall_tau_b, 12);
}

static void mann_whitney_matches_scipy(void **state)
{
    (void)state;
    const json_t *list = cases("mann_whitney_u", 12);
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        size_t nx, ny;
        double *x = numbers(json_object_get(c, "x"), &nx);
        double *y = numbers(json_object_get(c, "y"), &ny);
        double u = -7, p = -7;
        frm_code rc = frm_mann_whitney_u(x, nx, y, ny, &u, &p);
        if (rc != FRM_OK)
            fail_msg("mann_whitney_u %s: %s", name_of(c), frm_strerror(rc));
        expect_statistic_and_p("mann_whitney_u", c, u, p);
        free(x);
        free(y);
    }
}

static void wilcoxon_matches_scipy(void **state)
{
    (void)state;
    const json_t *list = cases("wilcoxon_signed_rank", 12);
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        size_t nx, ny = 0;
        double *x = numbers(json_object_get(c, "x"), &nx);
        const json_t *jy = json_object_get(c, "y");
        double *y = json_is_null(jy) ? NULL : numbers(jy, &ny);
        if (y)
            assert_int_equal(nx, ny);
        double w = -7, p = -7;
        frm_code rc = frm_wilcoxon_signed_rank(x, y, nx, &w, &p);
        if (rc != FRM_OK)
            fail_msg("wilcoxon_signed_rank %s: %s", name_of(c), frm_strerror(rc));
        expect_statistic_and_p("wilcoxon_signed_rank", c, w, p);
        free(x);
        free(y);
    }
}

static void kruskal_matches_scipy(void **state)
{
    (void)state;
    const json_t *list = cases("kruskal_wallis", 8);
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        const json_t *jgroups = json_object_get(c, "groups");
        size_t k = json_array_size(jgroups);
        assert_in_range(k, 2, 8);
        double *groups[8];
        size_t sizes[8];
        for (size_t g = 0; g < k; g++)
            groups[g] = numbers(json_array_get(jgroups, g), &sizes[g]);
        double h = -7, p = -7;
        frm_code rc = frm_kruskal_wallis((const double *const *)groups, sizes, k, &h, &p);
        if (rc != FRM_OK)
            fail_msg("kruskal_wallis %s: %s", name_of(c), frm_strerror(rc));
        expect_statistic_and_p("kruskal_wallis", c, h, p);
        for (size_t g = 0; g < k; g++)
            free(groups[g]);
    }
}

static void p_adjust_matches_statsmodels(void **state)
{
    (void)state;
    const json_t *list = cases("p_adjust", 6);
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        size_t m, mb, mh;
        double *p = numbers(json_object_get(c, "p"), &m);
        double *bonferroni = numbers(json_object_get(c, "bonferroni"), &mb);
        double *holm = numbers(json_object_get(c, "holm"), &mh);
        assert_int_equal(mb, m);
        assert_int_equal(mh, m);
        double *out = malloc(m * sizeof *out);
        assert_non_null(out);
        assert_int_equal(frm_p_adjust_bonferroni(p, m, out), FRM_OK);
        for (size_t j = 0; j < m; j++)
            if (!agrees(out[j], bonferroni[j], REL_P))
                fail_msg("bonferroni %s [%zu]: %.17g, expected %.17g", name_of(c), j, out[j],
                         bonferroni[j]);
        assert_int_equal(frm_p_adjust_holm(p, m, out), FRM_OK);
        for (size_t j = 0; j < m; j++)
            if (!agrees(out[j], holm[j], REL_P))
                fail_msg("holm %s [%zu]: %.17g, expected %.17g", name_of(c), j, out[j], holm[j]);
        /* in place gives the same */
        assert_int_equal(frm_p_adjust_holm(p, m, p), FRM_OK);
        for (size_t j = 0; j < m; j++)
            assert_true(p[j] == out[j]);
        free(out);
        free(p);
        free(bonferroni);
        free(holm);
    }
}

static void describe_matches_numpy(void **state)
{
    (void)state;
    const json_t *list = cases("describe", 8);
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        size_t n;
        double *x = numbers(json_object_get(c, "x"), &n);
        frm_description d;
        assert_int_equal(frm_describe(x, n, &d), FRM_OK);
        assert_int_equal(d.n, n);
        expect("describe", c, "mean", d.mean, REL_STATISTIC);
        expect("describe", c, "std", d.std, REL_STATISTIC);
        expect("describe", c, "median", d.median, REL_STATISTIC);
        expect("describe", c, "cv", d.cv, REL_STATISTIC);
        free(x);
    }
}

static void enough_golden_cases(void **state)
{
    (void)state;
    const char *functions[] = {"spearman", "kendall_tau_b", "mann_whitney_u",
                               "wilcoxon_signed_rank", "kruskal_wallis", "p_adjust",
                               "describe"};
    size_t total = 0;
    for (size_t f = 0; f < sizeof functions / sizeof *functions; f++)
        total += json_array_size(cases(functions[f], 1));
    assert_true(total >= 40);
}

/* tau-b by its definition, pair by pair: the check of the merge sort. */
static double kendall_by_pairs(const double *x, const double *y, size_t n)
{
    double concordant = 0, discordant = 0, tied_x = 0, tied_y = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double s = (x[i] - x[j]) * (y[i] - y[j]);
            concordant += s > 0;
            discordant += s < 0;
            tied_x += x[i] == x[j];
            tied_y += y[i] == y[j];
        }
    double total = (double)n * (double)(n - 1) / 2;
    return (concordant - discordant) / sqrt((total - tied_x) * (total - tied_y));
}

static void kendall_agrees_with_the_definition(void **state)
{
    (void)state;
    enum { N = 1500 };
    static double x[N], y[N];
    unsigned s = 12345;
    for (size_t i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (double)((s >> 16) % 97);              /* many ties */
        s = s * 1103515245u + 12345u;
        y[i] = x[i] / 2 + (double)((s >> 16) % 61);   /* correlated, tied */
    }
    double tau, p;
    assert_int_equal(frm_rank_kendall_tau_b(x, y, N, &tau, &p), FRM_OK);
    assert_close(tau, kendall_by_pairs(x, y, N), 1e-12);
    assert_true(p >= 0 && p <= 1);
}

static void bad_arguments(void **state)
{
    (void)state;
    double x[] = {1, 2, 3, 4}, nan4[] = {1, NAN, 3, 4}, zeros[] = {0, 0, 0};
    double a = 42, b = 42;
    assert_int_equal(frm_rank_spearman(x, x, 1, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_spearman(x, nan4, 4, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_spearman(NULL, x, 4, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_kendall_tau_b(x, x, 1, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_kendall_tau_b(nan4, x, 4, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_mann_whitney_u(x, 0, x, 4, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_mann_whitney_u(x, 4, nan4, 4, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_wilcoxon_signed_rank(x, NULL, 0, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_wilcoxon_signed_rank(x, nan4, 4, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_wilcoxon_signed_rank(zeros, NULL, 3, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_wilcoxon_signed_rank(x, x, 4, &a, &b), FRM_E_ARGUMENT);
    double inf_pair_x[] = {INFINITY, 1}, inf_pair_y[] = {INFINITY, 0};
    assert_int_equal(frm_wilcoxon_signed_rank(inf_pair_x, inf_pair_y, 2, &a, &b),
                     FRM_E_ARGUMENT);                /* inf - inf */
    const double *groups[] = {x, x + 2, nan4};
    size_t sizes[] = {2, 2, 4}, empty[] = {2, 0, 2};
    assert_int_equal(frm_kruskal_wallis(groups, sizes, 1, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_kruskal_wallis(groups, empty, 2, &a, &b), FRM_E_ARGUMENT);
    assert_int_equal(frm_kruskal_wallis(groups, sizes, 3, &a, &b), FRM_E_ARGUMENT);
    const double *same[] = {zeros, zeros};
    size_t three[] = {3, 3};
    assert_int_equal(frm_kruskal_wallis(same, three, 2, &a, &b), FRM_E_ARGUMENT);
    double p_bad[] = {0.5, 1.5}, p_nan[] = {0.5, NAN}, out[2];
    assert_int_equal(frm_p_adjust_bonferroni(p_bad, 2, out), FRM_E_ARGUMENT);
    assert_int_equal(frm_p_adjust_holm(p_nan, 2, out), FRM_E_ARGUMENT);
    assert_int_equal(frm_p_adjust_holm(x, 0, out), FRM_E_ARGUMENT);
    frm_description d;
    assert_int_equal(frm_describe(x, 0, &d), FRM_E_ARGUMENT);
    assert_int_equal(frm_describe(nan4, 4, &d), FRM_E_ARGUMENT);
    /* failures leave the outputs alone */
    assert_true(a == 42 && b == 42);
}

static void bootstrap_is_deterministic(void **state)
{
    (void)state;
    double x[40];
    for (int i = 0; i < 40; i++)
        x[i] = (double)((i * 17) % 23) + 0.25 * (i % 3);
    double lo1, hi1, lo2, hi2, lo3, hi3;
    assert_int_equal(frm_bootstrap_ci(x, 40, frm_statistic_mean, NULL, 2000, 0.95, 7, &lo1, &hi1),
                     FRM_OK);
    assert_int_equal(frm_bootstrap_ci(x, 40, frm_statistic_mean, NULL, 2000, 0.95, 7, &lo2, &hi2),
                     FRM_OK);
    assert_same(lo1, lo2);
    assert_same(hi1, hi2);
    assert_int_equal(frm_bootstrap_ci(x, 40, frm_statistic_mean, NULL, 2000, 0.95, 8, &lo3, &hi3),
                     FRM_OK);
    assert_true(lo1 != lo3 || hi1 != hi3);
    /* the input is left as it was */
    assert_same(x[1], 17.25);
}

static void bootstrap_interval_contains_the_statistic(void **state)
{
    (void)state;
    double x[31], work[31];
    for (int i = 0; i < 31; i++)
        x[i] = 100.0 + (double)((i * 13) % 31) * ((i % 4) ? 1.0 : 3.5);
    frm_statistic_fn fns[] = {frm_statistic_mean, frm_statistic_median};
    for (size_t f = 0; f < 2; f++) {
        memcpy(work, x, sizeof x);
        double estimate = fns[f](work, 31, NULL);
        double lo, hi, lo90, hi90;
        assert_int_equal(frm_bootstrap_ci(x, 31, fns[f], NULL, 3000, 0.95, 2024, &lo, &hi),
                         FRM_OK);
        if (!(lo <= estimate && estimate <= hi && lo < hi))
            fail_msg("statistic %zu: %g outside [%g, %g]", f, estimate, lo, hi);
        /* a lower level, same draws: a nested interval */
        assert_int_equal(frm_bootstrap_ci(x, 31, fns[f], NULL, 3000, 0.90, 2024, &lo90, &hi90),
                         FRM_OK);
        assert_true(lo <= lo90 && hi90 <= hi);
    }
}

static void bootstrap_of_constant_data_is_exact(void **state)
{
    (void)state;
    double c[] = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    double lo, hi;
    assert_int_equal(frm_bootstrap_ci(c, 7, frm_statistic_mean, NULL, 500, 0.95, 1, &lo, &hi),
                     FRM_OK);
    assert_same(lo, 0.1);
    assert_same(hi, 0.1);
    assert_int_equal(frm_bootstrap_ci(c, 7, frm_statistic_median, NULL, 500, 0.99, 0, &lo, &hi),
                     FRM_OK);
    assert_same(lo, 0.1);
    assert_same(hi, 0.1);
    double one = -3.5;
    assert_int_equal(frm_bootstrap_ci(&one, 1, frm_statistic_mean, NULL, 1, 0.5, 9, &lo, &hi),
                     FRM_OK);
    assert_same(lo, -3.5);
    assert_same(hi, -3.5);
}

/* A caller's statistic: the maximum, counting its calls through ctx. */
static double counted_max(double *sample, size_t n, void *ctx)
{
    ++*(size_t *)ctx;
    double m = sample[0];
    for (size_t i = 1; i < n; i++)
        m = sample[i] > m ? sample[i] : m;
    return m;
}

static double always_nan(double *sample, size_t n, void *ctx)
{
    (void)sample;
    (void)n;
    (void)ctx;
    return NAN;
}

static void bootstrap_takes_a_callback(void **state)
{
    (void)state;
    double x[] = {3, 9, 1, 7, 5, 2};
    size_t calls = 0;
    double lo, hi;
    assert_int_equal(frm_bootstrap_ci(x, 6, counted_max, &calls, 250, 0.8, 3, &lo, &hi), FRM_OK);
    assert_int_equal(calls, 250);
    assert_true(1 <= lo && lo <= hi && hi <= 9);
    assert_int_equal(frm_bootstrap_ci(x, 6, always_nan, NULL, 10, 0.9, 3, &lo, &hi),
                     FRM_E_ARGUMENT);
}

static void bootstrap_bad_arguments(void **state)
{
    (void)state;
    double x[] = {1, 2, NAN}, lo = 5, hi = 5;
    assert_int_equal(frm_bootstrap_ci(x, 0, frm_statistic_mean, NULL, 10, 0.9, 1, &lo, &hi),
                     FRM_E_ARGUMENT);
    assert_int_equal(frm_bootstrap_ci(x, 2, NULL, NULL, 10, 0.9, 1, &lo, &hi), FRM_E_ARGUMENT);
    assert_int_equal(frm_bootstrap_ci(x, 2, frm_statistic_mean, NULL, 0, 0.9, 1, &lo, &hi),
                     FRM_E_ARGUMENT);
    assert_int_equal(frm_bootstrap_ci(x, 2, frm_statistic_mean, NULL, 10, 1.0, 1, &lo, &hi),
                     FRM_E_ARGUMENT);
    assert_int_equal(frm_bootstrap_ci(x, 2, frm_statistic_mean, NULL, 10, 0.0, 1, &lo, &hi),
                     FRM_E_ARGUMENT);
    assert_int_equal(frm_bootstrap_ci(x, 3, frm_statistic_mean, NULL, 10, 0.9, 1, &lo, &hi),
                     FRM_E_ARGUMENT);
    assert_true(lo == 5 && hi == 5);
}

/* ---- Spearman between every pair of rows -------------------------------- */

enum { SM_ROWS = 30, SM_COLS = 13 };

/* Pseudo-random values on 20 levels, so that most rows of 13 have ties;
 * row 7 copies row 3 (rho 1) and row 11 holds infinities, which are
 * ordinary values. */
static void tied_table(double *v)
{
    unsigned s = 2024;
    for (size_t k = 0; k < SM_ROWS * SM_COLS; k++) {
        s = s * 1103515245u + 12345u;
        v[k] = (double)((s >> 16) % 20) / 4.0;
    }
    memcpy(v + 7 * SM_COLS, v + 3 * SM_COLS, SM_COLS * sizeof *v);
    v[11 * SM_COLS + 2] = INFINITY;
    v[11 * SM_COLS + 5] = -INFINITY;
}

static void spearman_matrix_agrees_with_pairs(void **state)
{
    (void)state;
    static double v[SM_ROWS * SM_COLS], rho[SM_ROWS * SM_ROWS];
    tied_table(v);
    assert_int_equal(frm_rank_spearman_matrix(v, SM_ROWS, SM_COLS, rho), FRM_OK);
    for (size_t i = 0; i < SM_ROWS; i++) {
        assert_same(rho[i * SM_ROWS + i], 1.0);
        for (size_t j = 0; j < SM_ROWS; j++) {
            double r, p;
            assert_int_equal(frm_rank_spearman(v + i * SM_COLS, v + j * SM_COLS, SM_COLS, &r, &p),
                             FRM_OK);
            double m = rho[i * SM_ROWS + j];
            if (!(fabs(m - r) <= 1e-12))
                fail_msg("rows %zu, %zu: matrix %.17g, pairwise %.17g", i, j, m, r);
            assert_same(m, rho[j * SM_ROWS + i]);
            assert_true(m >= -1.0 && m <= 1.0);
        }
    }
    assert_close(rho[3 * SM_ROWS + 7], 1.0, 1e-14);
}

static void spearman_matrix_edge_rows(void **state)
{
    (void)state;
    double v[] = {
        1, 2, 3, 4, 5,            /* 0 */
        5, 5, 5, 5, 5,            /* 1: constant */
        10, 8, 6, 4, 2,           /* 2: exactly reversed */
        2, 1, 4, 3, 5,            /* 3 */
    };
    double rho[16];
    assert_int_equal(frm_rank_spearman_matrix(v, 4, 5, rho), FRM_OK);
    for (size_t k = 0; k < 4; k++) {
        assert_true(isnan(rho[1 * 4 + k]));
        assert_true(isnan(rho[k * 4 + 1]));
    }
    assert_same(rho[0 * 4 + 0], 1.0);
    assert_same(rho[2 * 4 + 2], 1.0);
    /* exact -1 would depend on the BLAS's order of summation */
    assert_close(rho[0 * 4 + 2], -1.0, 1e-14);
    assert_same(rho[2 * 4 + 0], rho[0 * 4 + 2]);
    double r, p;
    assert_int_equal(frm_rank_spearman(v, v + 15, 5, &r, &p), FRM_OK);
    assert_close(rho[0 * 4 + 3], r, 1e-12);
    /* a single row correlates with itself */
    double one;
    assert_int_equal(frm_rank_spearman_matrix(v, 1, 5, &one), FRM_OK);
    assert_same(one, 1.0);
    assert_int_equal(frm_rank_spearman_matrix(v + 5, 1, 5, &one), FRM_OK);
    assert_true(isnan(one));
}

static void spearman_matrix_bad_arguments(void **state)
{
    (void)state;
    double v[] = {1, 2, 3, 4, 5, NAN}, rho[4] = {42, 42, 42, 42};
    assert_int_equal(frm_rank_spearman_matrix(v, 2, 3, rho), FRM_E_ARGUMENT);   /* NaN */
    assert_int_equal(frm_rank_spearman_matrix(v, 2, 1, rho), FRM_E_ARGUMENT);   /* n_cols < 2 */
    assert_int_equal(frm_rank_spearman_matrix(v, 2, 0, rho), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_spearman_matrix(v, 0, 3, rho), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_spearman_matrix(NULL, 2, 3, rho), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_spearman_matrix(v, 1, 3, NULL), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_spearman_matrix(v, (size_t)INT_MAX + 1, 3, rho), FRM_E_ARGUMENT);
    /* failures leave the output alone */
    for (size_t k = 0; k < 4; k++)
        assert_same(rho[k], 42.0);
}

static void spearman_p_is_the_rule_of_spearman(void **state)
{
    (void)state;
    static double v[SM_ROWS * SM_COLS];
    tied_table(v);
    /* every prefix length n of a few pairs of rows: many (rho, n) */
    for (size_t i = 0; i + 1 < 8; i++) {
        for (size_t n = 2; n <= SM_COLS; n++) {
            double r, p;
            assert_int_equal(frm_rank_spearman(v + i * SM_COLS, v + (i + 1) * SM_COLS, n, &r, &p),
                             FRM_OK);
            assert_same(frm_rank_spearman_p(r, n), p);
        }
    }
    double x[] = {1, 2, 3, 4, 5, 6}, y[] = {2, 1, 4, 3, 6, 5};
    double r, p;
    assert_int_equal(frm_rank_spearman(x, y, 6, &r, &p), FRM_OK);
    assert_same(frm_rank_spearman_p(r, 6), p);
    assert_int_equal(frm_rank_spearman(x, x, 6, &r, &p), FRM_OK);
    assert_same(r, 1.0);
    assert_same(p, 0.0);
    assert_same(frm_rank_spearman_p(1.0, 3), 0.0);
    assert_same(frm_rank_spearman_p(-1.0, 100), 0.0);
    assert_true(isnan(frm_rank_spearman_p(0.5, 2)));
    assert_true(isnan(frm_rank_spearman_p(1.0, 2)));
    assert_true(isnan(frm_rank_spearman_p(0.5, 0)));
    assert_true(isnan(frm_rank_spearman_p(NAN, 10)));
    assert_true(isnan(frm_rank_spearman_p(1.5, 10)));
    assert_same(frm_rank_spearman_p(0.0, 10), 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enough_golden_cases),
        cmocka_unit_test(spearman_matches_scipy),
        cmocka_unit_test(kendall_matches_scipy),
        cmocka_unit_test(mann_whitney_matches_scipy),
        cmocka_unit_test(wilcoxon_matches_scipy),
        cmocka_unit_test(kruskal_matches_scipy),
        cmocka_unit_test(p_adjust_matches_statsmodels),
        cmocka_unit_test(describe_matches_numpy),
        cmocka_unit_test(kendall_agrees_with_the_definition),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(bootstrap_is_deterministic),
        cmocka_unit_test(bootstrap_interval_contains_the_statistic),
        cmocka_unit_test(bootstrap_of_constant_data_is_exact),
        cmocka_unit_test(bootstrap_takes_a_callback),
        cmocka_unit_test(bootstrap_bad_arguments),
        cmocka_unit_test(spearman_matrix_agrees_with_pairs),
        cmocka_unit_test(spearman_matrix_edge_rows),
        cmocka_unit_test(spearman_matrix_bad_arguments),
        cmocka_unit_test(spearman_p_is_the_rule_of_spearman),
    };
    return cmocka_run_group_tests(tests, load_golden, free_golden);
}
