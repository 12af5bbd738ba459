/*
 * stats/sort.h - sorting numbers, the one comparison the library's
 * summaries share.
 */
#ifndef FRM_STATS_SORT_H
#define FRM_STATS_SORT_H

#include <stddef.h>

/* Sorts x[0..n) ascending (no NaN expected); x may be NULL when n is 0. */
void frmi_sort_ascending(double *x, size_t n);

#endif
