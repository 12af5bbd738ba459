/*
 * stats/adjust.c - p-values adjusted for multiple tests: Bonferroni and
 * Holm, as statsmodels' multipletests computes them.
 */
#include <stdlib.h>

#include "frm/stats.h"

static int valid(const double *p, size_t m, const double *adjusted)
{
    if (!p || !adjusted || m == 0)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (!(p[i] >= 0.0 && p[i] <= 1.0))   /* NaN fails too */
            return 0;
    return 1;
}

frm_code frm_p_adjust_bonferroni(const double *p, size_t m, double *adjusted)
{
    if (!valid(p, m, adjusted))
        return FRM_E_ARGUMENT;
    for (size_t i = 0; i < m; i++) {
        double a = p[i] * (double)m;
        adjusted[i] = a < 1.0 ? a : 1.0;
    }
    return FRM_OK;
}

typedef struct indexed {
    double p;
    size_t index;
} indexed;

static int by_p(const void *a, const void *b)
{
    double x = ((const indexed *)a)->p, y = ((const indexed *)b)->p;
    return (x > y) - (x < y);
}

frm_code frm_p_adjust_holm(const double *p, size_t m, double *adjusted)
{
    if (!valid(p, m, adjusted))
        return FRM_E_ARGUMENT;
    indexed *order = malloc(m * sizeof *order);
    if (!order)
        return FRM_E_NOMEM;
    for (size_t i = 0; i < m; i++)
        order[i] = (indexed){p[i], i};
    /* The order of equal p-values does not matter: the running maximum
     * gives them all the value of the first. */
    qsort(order, m, sizeof *order, by_p);
    double running = 0.0;
    for (size_t i = 0; i < m; i++) {
        double a = order[i].p * (double)(m - i);
        if (a > running)
            running = a;
        adjusted[order[i].index] = running < 1.0 ? running : 1.0;
    }
    free(order);
    return FRM_OK;
}
