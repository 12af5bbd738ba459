/*
 * tests/test_rank.c - frm_rank_average against scipy.stats.rankdata
 * ("average" method) and against a brute-force definition.
 *
 * Expected ranks are worked out by hand in the comments; for the ones
 * taken from scipy the call is given so it can be re-run.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Asserts ranks[i] == expected[i] exactly: every average rank is k/2, exact in binary. */
static void check_ranks(const double *x, size_t n, const double *expected)
{
    double ranks[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++)
        ranks[i] = -1;
    assert_int_equal(frm_rank_average(x, n, ranks), FRM_OK);
    for (size_t i = 0; i < n; i++) {
        if (ranks[i] != expected[i])
            fail_msg("rank[%zu] of %g is %.17g, expected %.17g", i, x[i], ranks[i], expected[i]);
    }
}

static void distinct_values(void **state)
{
    (void)state;
    /* sorted: 1 (index 1), 2 (index 2), 3 (index 0), 9 (index 3) */
    const double x[] = {3, 1, 2, 9};
    const double expected[] = {3, 1, 2, 4};
    check_ranks(x, 4, expected);
}

static void ties_are_averaged(void **state)
{
    (void)state;
    /* scipy.stats.rankdata([10, 20, 10, 30, 20, 10]) -> [2, 4.5, 2, 6, 4.5, 2]:
     * the three 10s take ranks 1..3 (mean 2), the two 20s 4..5 (4.5), 30 is 6. */
    const double x[] = {10, 20, 10, 30, 20, 10};
    const double expected[] = {2, 4.5, 2, 6, 4.5, 2};
    check_ranks(x, 6, expected);
}

static void all_equal(void **state)
{
    (void)state;
    /* five equal values span ranks 1..5: mean (1 + 5) / 2 = 3 */
    const double x[] = {7.25, 7.25, 7.25, 7.25, 7.25};
    const double expected[] = {3, 3, 3, 3, 3};
    check_ranks(x, 5, expected);
    /* four equal values: (1 + 4) / 2 = 2.5 */
    const double y[] = {-1, -1, -1, -1};
    const double expected_y[] = {2.5, 2.5, 2.5, 2.5};
    check_ranks(y, 4, expected_y);
}

static void empty_and_single(void **state)
{
    (void)state;
    /* n = 0 succeeds and writes nothing */
    double x0 = 5, r0 = -1;
    assert_int_equal(frm_rank_average(&x0, 0, &r0), FRM_OK);
    assert_true(r0 == -1);
    /* a single value is rank 1, whatever it is */
    const double one[] = {-123.5};
    const double expected[] = {1};
    check_ranks(one, 1, expected);
}

static void negative_values(void **state)
{
    (void)state;
    /* sorted: -3 (indices 1, 3: ranks 1, 2 -> 1.5), -1 (index 0: 3), 2 (index 2: 4) */
    const double x[] = {-1, -3, 2, -3};
    const double expected[] = {3, 1.5, 4, 1.5};
    check_ranks(x, 4, expected);
}

static void negative_zero_ties_with_zero(void **state)
{
    (void)state;
    /* -0.0 == 0.0 in IEEE 754 (and for rankdata): they tie at ranks 2..3 -> 2.5;
     * -1 is rank 1, 1 is rank 4. */
    const double x[] = {0.0, -0.0, -1, 1};
    const double expected[] = {2.5, 2.5, 1, 4};
    check_ranks(x, 4, expected);
}

static void infinities_are_ordinary_values(void **state)
{
    (void)state;
    /* -inf < -1e308 < 0 < inf < inf (tie, ranks 4..5 -> 4.5) */
    const double x[] = {INFINITY, -INFINITY, 0, -1e308, INFINITY};
    const double expected[] = {4.5, 1, 3, 2, 4.5};
    check_ranks(x, 5, expected);
}

static void nan_is_rejected(void **state)
{
    (void)state;
    double ranks[3];
    const double first[] = {NAN, 1, 2};
    const double last[] = {1, 2, NAN};
    assert_int_equal(frm_rank_average(first, 3, ranks), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_average(last, 3, ranks), FRM_E_ARGUMENT);
    /* NULL arrays with values to rank are an argument error too */
    assert_int_equal(frm_rank_average(NULL, 3, ranks), FRM_E_ARGUMENT);
    assert_int_equal(frm_rank_average(first + 1, 2, NULL), FRM_E_ARGUMENT);
}

/* xorshift64: a fixed sequence, so a failure reproduces. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void random_against_brute_force(void **state)
{
    (void)state;
    enum { N = 3000 };
    double *x = malloc(N * sizeof *x), *copy = malloc(N * sizeof *copy);
    double *ranks = malloc(N * sizeof *ranks);
    assert_non_null(x);
    assert_non_null(copy);
    assert_non_null(ranks);
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < N; i++) {
        uint64_t r = next_random(&seed);
        /* Quarter steps in [-12, 12]: exact in binary and about 30 ties per value.
         * Every tenth value is spread wide instead, to mix in unique ones. */
        x[i] = (double)(r % 97) / 4.0 - 12.0;
        if (r % 10 == 0)
            x[i] = (double)(r >> 11) / 1024.0;
        /* both signs of zero occur, and must tie */
        if (x[i] == 0 && (r >> 32) % 2)
            x[i] = -0.0;
    }
    memcpy(copy, x, N * sizeof *x);
    assert_int_equal(frm_rank_average(x, N, ranks), FRM_OK);
    /* the input is const and must be left alone */
    assert_memory_equal(x, copy, N * sizeof *x);

    /* Definition: with `less` values below x[i] and `equal` values equal to it
     * (itself included), x[i]'s tie block holds ranks less+1 .. less+equal,
     * whose mean is less + (equal + 1) / 2. */
    double sum = 0;
    for (size_t i = 0; i < N; i++) {
        size_t less = 0, equal = 0;
        for (size_t j = 0; j < N; j++) {
            less += x[j] < x[i];
            equal += x[j] == x[i];
        }
        double expected = (double)less + (double)(equal + 1) / 2.0;
        if (ranks[i] != expected)
            fail_msg("rank[%zu] of %g is %.17g, brute force says %.17g", i, x[i], ranks[i],
                     expected);
        sum += ranks[i];
    }
    /* average ranks always sum to 1 + 2 + ... + N = N (N + 1) / 2 */
    assert_true(sum == (double)N * (N + 1) / 2.0);
    free(x);
    free(copy);
    free(ranks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distinct_values),
        cmocka_unit_test(ties_are_averaged),
        cmocka_unit_test(all_equal),
        cmocka_unit_test(empty_and_single),
        cmocka_unit_test(negative_values),
        cmocka_unit_test(negative_zero_ties_with_zero),
        cmocka_unit_test(infinities_are_ordinary_values),
        cmocka_unit_test(nan_is_rejected),
        cmocka_unit_test(random_against_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
