/*
 * bench/energy_source.h - what a source of energy counters (RAPL, NVML)
 * gives bench/energy.c, which does the accumulating for all of them.
 */
#ifndef FRM_BENCH_ENERGY_SOURCE_H
#define FRM_BENCH_ENERGY_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "bench/energy.h"

typedef struct frmi_energy_kind {
    const char *name;            /* what frmi_energy_source returns */
    double units_per_mj;         /* counter units in a millijoule */
    /* Reads every counter of `ctx` into values[0 .. n-1]. */
    frm_code (*read)(void *ctx, uint64_t *values, frm_error *err);
    /* Releases `ctx`. */
    void (*close)(void *ctx);
} frmi_energy_kind;

/*
 * A meter over the `n` counters of `ctx`, counter i counting from 0 up to
 * max[i] and then starting again from 0 (max is copied).  The meter owns
 * `ctx` from this call on, on failure too: it is then closed at once.
 */
frm_code frmi_energy_new(const frmi_energy_kind *src, void *ctx, size_t n, const uint64_t *max,
                         frmi_energy **out, frm_error *err);

#endif
