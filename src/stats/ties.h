/*
 * stats/ties.h - helpers shared by the rank-based statistics (internal).
 */
#ifndef FRM_STATS_TIES_H
#define FRM_STATS_TIES_H

#include <stddef.h>

#include "frm/error.h"

/* qsort order of doubles, ascending; the values must not be NaN. */
int frmi_ascending(const void *a, const void *b);

/* True when any of x[0..n) is NaN. */
int frmi_any_nan(const double *x, size_t n);

/*
 * Sets *term to sum(t^3 - t) over the groups of equal values in x[0..n),
 * t the size of a group: the tie correction that every rank test's
 * variance needs.  Values or their average ranks give the same groups.
 * Sorts a copy: FRM_E_NOMEM.
 */
frm_code frmi_tie_term(const double *x, size_t n, double *term);

/*
 * Ranks the k groups pooled together (average ranks for ties) into a new
 * array `*ranks` of the summed sizes, group after group, which the caller
 * frees, and sets *term as frmi_tie_term does: what every rank test
 * comparing groups starts from.  The groups must be free of NaN.
 * FRM_E_NOMEM when the sizes overflow or an allocation fails.
 */
frm_code frmi_rank_pooled(const double *const *groups, const size_t *sizes, size_t k,
                          double **ranks, double *term);

#endif
