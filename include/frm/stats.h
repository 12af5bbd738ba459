/*
 * frm/stats.h - ranks and descriptive statistics.
 *
 * Pure functions: no I/O, no global state.  Conventions follow
 * scipy.stats so results can be checked against it.
 */
#ifndef FRM_STATS_H
#define FRM_STATS_H

#include <stddef.h>

#include "frm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Ranks `x[0..n)` in ascending order into `ranks` (1 = smallest), ties
 * getting the mean of the ranks they span (scipy.stats.rankdata's
 * "average").  NaN values are not allowed.  `ranks` is caller-owned and
 * may not alias `x`.  Returns FRM_E_NOMEM or FRM_E_ARGUMENT on failure.
 */
frm_code frm_rank_average(const double *x, size_t n, double *ranks);

#ifdef __cplusplus
}
#endif

#endif
