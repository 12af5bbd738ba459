/*
 * stats/spearman_matrix.c - Spearman's rho between every pair of rows of a
 * table, as one BLAS Gram matrix of the rows' standardised ranks.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <cblas.h>

#include "frm/stats.h"
#include "stats/ties.h"

/*
 * Replaces the average ranks r[0..n) with (r - mean) / |r - mean|, so that
 * the dot product of two rows is the Pearson correlation of their ranks,
 * which is Spearman's rho.  A constant row stays all zeros: its norm is
 * exactly 0, which the diagonal of the Gram matrix then reveals.
 */
static void standardise(double *r, size_t n)
{
    /* Average ranks always sum to n (n + 1) / 2, whatever the ties. */
    double mean = (double)(n + 1) / 2.0, ss = 0.0;
    for (size_t k = 0; k < n; k++) {
        r[k] -= mean;
        ss += r[k] * r[k];
    }
    if (ss == 0.0)
        return;
    double norm = sqrt(ss);
    for (size_t k = 0; k < n; k++)
        r[k] /= norm;
}

frm_code frm_rank_spearman_matrix(const double *values, size_t n_rows, size_t n_cols,
                                  double *rho)
{
    if (!values || !rho || n_rows < 1 || n_cols < 2 || n_rows > INT_MAX || n_cols > INT_MAX)
        return FRM_E_ARGUMENT;
    if (n_cols > SIZE_MAX / sizeof(double) / n_rows || n_rows > SIZE_MAX / sizeof(double) / n_rows)
        return FRM_E_NOMEM;
    if (frmi_any_nan(values, n_rows * n_cols))
        return FRM_E_ARGUMENT;
    double *z = malloc(n_rows * n_cols * sizeof *z);
    if (!z)
        return FRM_E_NOMEM;
    for (size_t i = 0; i < n_rows; i++) {
        double *row = z + i * n_cols;
        if (frm_rank_average(values + i * n_cols, n_cols, row) != FRM_OK) {
            free(z);
            return FRM_E_NOMEM;     /* the input was checked: only memory is left */
        }
        standardise(row, n_cols);
    }
    /* dsyrk fills the upper triangle only, at half the cost of a dgemm. */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n_rows, (int)n_cols, 1.0, z,
                (int)n_cols, 0.0, rho, (int)n_rows);
    free(z);

    /* A unit row has 1 +- rounding on the diagonal, a constant row exactly 0. */
    for (size_t i = 0; i < n_rows; i++) {
        double *d = rho + i * n_rows + i;
        *d = *d == 0.0 ? NAN : 1.0;
    }
    for (size_t i = 0; i < n_rows; i++) {
        int constant_i = isnan(rho[i * n_rows + i]);
        for (size_t j = i + 1; j < n_rows; j++) {
            double r = rho[i * n_rows + j];
            if (constant_i || isnan(rho[j * n_rows + j]))
                r = NAN;
            else
                r = fmin(1.0, fmax(-1.0, r));   /* rounding can step just past +-1 */
            rho[i * n_rows + j] = r;
            rho[j * n_rows + i] = r;
        }
    }
    return FRM_OK;
}
