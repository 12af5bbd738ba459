/*
 * stats/bootstrap.c - seeded percentile bootstrap confidence intervals.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "frm/stats.h"
#include "stats/ties.h"

double frm_statistic_mean(double *sample, size_t n, void *ctx)
{
    (void)ctx;
    /* Summing deviations from the first value keeps n copies of c at
     * exactly c (a plain sum / n need not) and loses less to rounding
     * around a large common value. */
    double sum = 0.0;
    for (size_t i = 1; i < n; i++)
        sum += sample[i] - sample[0];
    return sample[0] + sum / (double)n;
}

double frm_statistic_median(double *sample, size_t n, void *ctx)
{
    (void)ctx;
    qsort(sample, n, sizeof *sample, frmi_ascending);
    return frm_quantile_sorted(sample, n, 0.5);
}

frm_code frm_bootstrap_ci(const double *x, size_t n, frm_statistic_fn stat, void *ctx,
                          size_t resamples, double level, unsigned long seed, double *lo,
                          double *hi)
{
    /* gsl_rng_uniform_int draws at most 2^32 distinct values from MT19937. */
    if (!x || !stat || !lo || !hi || n == 0 || n > UINT32_MAX || resamples == 0 ||
        !(level > 0.0 && level < 1.0) || frmi_any_nan(x, n))
        return FRM_E_ARGUMENT;
    if (n > SIZE_MAX / sizeof(double) || resamples > SIZE_MAX / sizeof(double))
        return FRM_E_NOMEM;
    /* The generator's state is allocated here rather than by gsl_rng_alloc,
     * whose failure would go through GSL's error handler (abort by
     * default) instead of coming back as FRM_E_NOMEM. */
    gsl_rng rng = {gsl_rng_mt19937, malloc(gsl_rng_mt19937->size)};
    double *sample = malloc(n * sizeof *sample);
    double *values = malloc(resamples * sizeof *values);
    frm_code rc = rng.state && sample && values ? FRM_OK : FRM_E_NOMEM;
    if (rc == FRM_OK) {
        gsl_rng_set(&rng, seed);
        for (size_t b = 0; b < resamples && rc == FRM_OK; b++) {
            for (size_t i = 0; i < n; i++)
                sample[i] = x[gsl_rng_uniform_int(&rng, (unsigned long)n)];
            values[b] = stat(sample, n, ctx);
            if (isnan(values[b]))
                rc = FRM_E_ARGUMENT;
        }
    }
    if (rc == FRM_OK) {
        qsort(values, resamples, sizeof *values, frmi_ascending);
        double tail = (1.0 - level) / 2.0;
        *lo = frm_quantile_sorted(values, resamples, tail);
        *hi = frm_quantile_sorted(values, resamples, 1.0 - tail);
    }
    free(rng.state);
    free(sample);
    free(values);
    return rc;
}
