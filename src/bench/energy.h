/*
 * bench/energy.h - energy counters read around the timed loop.
 *
 * Two sources: Linux powercap (Intel/AMD RAPL package domains) and NVIDIA's
 * NVML (total energy of one GPU, loaded with dlopen so frm neither links
 * against nor requires libnvidia-ml).  A meter is opened once per model,
 * started just before the timed loop, polled between runs (so a counter
 * that wraps more than once over a long loop is still followed), and
 * stopped after it.
 */
#ifndef FRM_BENCH_ENERGY_H
#define FRM_BENCH_ENERGY_H

#include "frm/error.h"

typedef struct frmi_energy frmi_energy;

/*
 * Opens every top-level RAPL domain (intel-rapl:N, amd-rapl... with a
 * readable energy_uj and max_energy_range_uj) under `root` (NULL means
 * "/sys/class/powercap"); sub-domains are skipped because the package
 * already includes them.  On success `*out` is owned by the caller
 * (frmi_energy_close).  When no domain is readable, returns FRM_E_IO with
 * the reason in `err` (no powercap, or energy_uj readable only by root).
 */
frm_code frmi_energy_rapl_open(const char *root, frmi_energy **out, frm_error *err);

/*
 * Opens NVML's total-energy counter of GPU `index`.  FRM_E_IO with the
 * reason when libnvidia-ml cannot be loaded, the GPU does not exist or does
 * not offer the counter.
 */
frm_code frmi_energy_nvml_open(int index, frmi_energy **out, frm_error *err);

/* Reads the counters now: the starting point of the measurement. */
frm_code frmi_energy_start(frmi_energy *e, frm_error *err);

/* Reads the counters and accumulates, handling wrap-around since the last read. */
frm_code frmi_energy_poll(frmi_energy *e, frm_error *err);

/* Polls a last time and sets `*millijoules` to the energy since start. */
frm_code frmi_energy_stop(frmi_energy *e, double *millijoules, frm_error *err);

/* "rapl" or "nvml". */
const char *frmi_energy_source(const frmi_energy *e);

/* NULL is a no-op. */
void frmi_energy_close(frmi_energy *e);

#endif
