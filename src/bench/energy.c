/*
 * bench/energy.c - following wrapping energy counters over a measurement,
 * whatever their source (bench/energy_rapl.c, bench/energy_nvml.c).
 */
#include <stdlib.h>
#include <string.h>

#include "bench/energy_source.h"
#include "util/error.h"

struct frmi_energy {
    const frmi_energy_kind *src;
    void *ctx;
    int started;
    uint64_t total;      /* counter units since frmi_energy_start */
    size_t n;
    /* 3n values: max[n], last[n] (the previous reading), now[n] (the new
     * one, kept apart so that a failed read leaves `last` as it was). */
    uint64_t v[];
};

frm_code frmi_energy_new(const frmi_energy_kind *src, void *ctx, size_t n, const uint64_t *max,
                         frmi_energy **out, frm_error *err)
{
    frmi_energy *e = NULL;
    if (n <= (SIZE_MAX - sizeof *e) / (3 * sizeof e->v[0]))
        e = calloc(1, sizeof *e + 3 * n * sizeof e->v[0]);
    if (!e) {
        src->close(ctx);
        return frmi_nomem(err);
    }
    e->src = src;
    e->ctx = ctx;
    e->n = n;
    memcpy(e->v, max, n * sizeof e->v[0]);
    *out = e;
    return FRM_OK;
}

frm_code frmi_energy_start(frmi_energy *e, frm_error *err)
{
    frm_code rc = e->src->read(e->ctx, e->v + e->n, err);
    if (rc != FRM_OK)
        return rc;
    e->total = 0;
    e->started = 1;
    return FRM_OK;
}

frm_code frmi_energy_poll(frmi_energy *e, frm_error *err)
{
    if (!e->started)
        return frmi_fail(err, FRM_E_ARGUMENT, "%s energy meter polled before it was started",
                         e->src->name);
    const uint64_t *max = e->v;
    uint64_t *last = e->v + e->n, *now = e->v + 2 * e->n;
    frm_code rc = e->src->read(e->ctx, now, err);
    if (rc != FRM_OK)
        return rc;
    for (size_t i = 0; i < e->n; i++) {
        /* A counter that went down has passed max once (polling often
         * enough is what rules out more).  It counts max, then 0: a full
         * turn is max + 1 units, so the distance is what was left up to
         * max, one step onto 0, and the new reading.  Summed in that order
         * it never overflows, as now < last <= max. */
        if (now[i] >= last[i])
            e->total += now[i] - last[i];
        else
            e->total += now[i] + (max[i] - last[i]) + 1;
        last[i] = now[i];
    }
    return FRM_OK;
}

frm_code frmi_energy_stop(frmi_energy *e, double *millijoules, frm_error *err)
{
    frm_code rc = frmi_energy_poll(e, err);
    if (rc != FRM_OK)
        return rc;
    /* A division, not a product with 1e-3: exact whenever the result is. */
    *millijoules = (double)e->total / e->src->units_per_mj;
    return FRM_OK;
}

const char *frmi_energy_source(const frmi_energy *e)
{
    return e->src->name;
}

void frmi_energy_close(frmi_energy *e)
{
    if (!e)
        return;
    e->src->close(e->ctx);
    free(e);
}
