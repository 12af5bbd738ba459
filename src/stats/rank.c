/*
 * stats/rank.c - ranks with ties averaged (scipy.stats.rankdata "average").
 */
#include <math.h>
#include <stdlib.h>

#include "frm/stats.h"

typedef struct ranked {
    double value;
    size_t index;
} ranked;

static int by_value(const void *a, const void *b)
{
    double x = ((const ranked *)a)->value, y = ((const ranked *)b)->value;
    return (x > y) - (x < y);
}

frm_code frm_rank_average(const double *x, size_t n, double *ranks)
{
    if (n == 0)
        return FRM_OK;
    if (!x || !ranks)
        return FRM_E_ARGUMENT;
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return FRM_E_ARGUMENT;
    ranked *order = malloc(n * sizeof *order);
    if (!order)
        return FRM_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = (ranked){x[i], i};
    qsort(order, n, sizeof *order, by_value);
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && order[end].value == order[start].value)
            end++;
        /* positions start..end-1 hold ranks start+1..end; their mean: */
        double rank = (double)(start + 1 + end) / 2.0;
        for (size_t k = start; k < end; k++)
            ranks[order[k].index] = rank;
        start = end;
    }
    free(order);
    return FRM_OK;
}
