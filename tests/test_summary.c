/*
 * tests/test_summary.c - descriptive statistics and the median's
 * distribution-free confidence interval.
 *
 * Expected values: quantiles, mean and sample stdev from numpy
 * (np.percentile's default linear method, np.std(ddof=1)); interval ranks
 * and coverages from scipy.stats.binom, and by hand where noted.
 */
#include "testutil.h"

#include <math.h>

static void test_quantiles_of_one_to_ten(void **state)
{
    (void)state;
    double x[] = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
    frm_summary s;
    assert_int_equal(frm_summarize(x, 10, 0.95, &s), FRM_OK);
    assert_int_equal(s.n, 10);
    assert_close(s.median, 5.5, 1e-15);
    assert_close(s.p90, 9.1, 1e-15);
    assert_close(s.p95, 9.55, 1e-15);
    assert_close(s.p99, 9.91, 1e-15);
    assert_close(s.mean, 5.5, 1e-15);
    assert_close(s.stdev, 3.0276503540974917, 1e-15);
    assert_same(s.min, 1);
    assert_same(s.max, 10);
    /* n = 10: P(B <= 1) = 11/1024 <= 0.025 < P(B <= 2) = 56/1024, so
     * j = 2 and the interval is [x(2), x(9)] with coverage 1 - 22/1024. */
    assert_same(s.ci_lo, 2);
    assert_same(s.ci_hi, 9);
    assert_close(s.ci_coverage, 0.978515625, 1e-15);
    assert_int_equal(s.ci_exact, 1);
    /* the input is left as it was */
    assert_same(x[0], 7);
    assert_same(x[9], 6);
}

static void test_ties_and_odd_count(void **state)
{
    (void)state;
    double y[] = {3.1, 0.5, 7.25, 7.25, 2.0, 9.5, 1.0};
    frm_summary s;
    assert_int_equal(frm_summarize(y, 7, 0.95, &s), FRM_OK);
    assert_close(s.median, 3.1, 1e-15);
    assert_close(s.p90, 8.15, 1e-14);
    assert_close(s.p95, 8.825, 1e-14);
    assert_close(s.p99, 9.365, 1e-14);
    assert_close(s.mean, 4.371428571428572, 1e-15);
    assert_close(s.stdev, 3.569997332265243, 1e-14);
}

static void test_interval_ranks(void **state)
{
    (void)state;
    size_t j;
    /* scipy.stats.binom(n, 0.5): the largest j with cdf(j - 1) <= 0.025 */
    assert_close(frm_median_ci_rank(100, 0.95, &j), 0.9647997997822951, 1e-12);
    assert_int_equal(j, 40);                       /* [x(40), x(61)] */
    assert_close(frm_median_ci_rank(1000, 0.95, &j), 0.9537088026395019, 1e-12);
    assert_int_equal(j, 469);                      /* [x(469), x(532)] */
    /* n = 6: P(B = 0) = 1/64 <= 0.025, so [min, max] has coverage 62/64 */
    assert_close(frm_median_ci_rank(6, 0.95, &j), 0.96875, 1e-15);
    assert_int_equal(j, 1);
    /* n = 5: even [min, max] covers only 1 - 2/32 */
    assert_close(frm_median_ci_rank(5, 0.95, &j), 0.9375, 1e-15);
    assert_int_equal(j, 0);
}

static void test_small_sample_falls_back_to_range(void **state)
{
    (void)state;
    double x[] = {4, 1, 3, 2, 5};
    frm_summary s;
    assert_int_equal(frm_summarize(x, 5, 0.95, &s), FRM_OK);
    assert_int_equal(s.ci_exact, 0);
    assert_same(s.ci_lo, 1);
    assert_same(s.ci_hi, 5);
    assert_close(s.ci_coverage, 0.9375, 1e-15);

    double one = 2.5;
    assert_int_equal(frm_summarize(&one, 1, 0.95, &s), FRM_OK);
    assert_same(s.median, 2.5);
    assert_same(s.p99, 2.5);
    assert_same(s.stdev, 0);
    assert_same(s.ci_lo, 2.5);
    assert_same(s.ci_hi, 2.5);
}

/* A hundred values 1..100: the interval is [40, 61] by the ranks above. */
static void test_interval_of_a_hundred(void **state)
{
    (void)state;
    double x[100];
    for (int i = 0; i < 100; i++)
        x[i] = (double)((i * 37) % 100 + 1);      /* a permutation of 1..100 */
    frm_summary s;
    assert_int_equal(frm_summarize(x, 100, 0.95, &s), FRM_OK);
    assert_same(s.ci_lo, 40);
    assert_same(s.ci_hi, 61);
    assert_close(s.median, 50.5, 1e-15);
    assert_close(s.p99, 99.01, 1e-14);
}

static void test_tiny_spread_around_a_large_value(void **state)
{
    (void)state;
    /* A one-pass sum of squares loses these digits entirely. */
    double x[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
    frm_summary s;
    assert_int_equal(frm_summarize(x, 3, 0.95, &s), FRM_OK);
    assert_close(s.stdev, 1.0, 1e-9);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    double x[] = {1, NAN, 3};
    frm_summary s;
    assert_int_equal(frm_summarize(x, 0, 0.95, &s), FRM_E_ARGUMENT);
    assert_int_equal(frm_summarize(x, 3, 0.95, &s), FRM_E_ARGUMENT);
    assert_int_equal(frm_summarize(x, 1, 0.5, &s), FRM_E_ARGUMENT);
    assert_int_equal(frm_summarize(x, 1, 1.0, &s), FRM_E_ARGUMENT);
    assert_int_equal(frm_summarize(NULL, 1, 0.95, &s), FRM_E_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantiles_of_one_to_ten),
        cmocka_unit_test(test_ties_and_odd_count),
        cmocka_unit_test(test_interval_ranks),
        cmocka_unit_test(test_small_sample_falls_back_to_range),
        cmocka_unit_test(test_interval_of_a_hundred),
        cmocka_unit_test(test_tiny_spread_around_a_large_value),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
