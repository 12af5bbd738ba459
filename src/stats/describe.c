/*
 * stats/describe.c - mean, sample standard deviation, median and
 * coefficient of variation, on top of frm_summarize.
 */
#include <math.h>

#include "frm/stats.h"

frm_code frm_describe(const double *x, size_t n, frm_description *out)
{
    if (!out)
        return FRM_E_ARGUMENT;
    frm_summary s;
    /* Any valid level will do: only the location and spread are kept. */
    frm_code rc = frm_summarize(x, n, 0.95, &s);
    if (rc != FRM_OK)
        return rc;
    out->n = n;
    out->mean = s.mean;
    /* frm_summarize reports 0 for one value; with ddof = 1 it is undefined. */
    out->std = n > 1 ? s.stdev : NAN;
    out->median = s.median;
    out->cv = out->std / out->mean;
    return FRM_OK;
}
