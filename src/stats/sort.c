/*
 * stats/sort.c - sorting numbers.
 */
#include <stdlib.h>

#include "stats/sort.h"

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void frmi_sort_ascending(double *x, size_t n)
{
    if (n > 1)
        qsort(x, n, sizeof *x, ascending);
}
