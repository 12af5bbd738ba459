/*
 * bench/probe.h - the clock and the process memory figures the harness
 * reads around a measurement.
 */
#ifndef FRM_BENCH_PROBE_H
#define FRM_BENCH_PROBE_H

#include "frm/error.h"

/* CLOCK_MONOTONIC in milliseconds: immune to wall-clock adjustments. */
double frmi_now_ms(void);

typedef struct frmi_memory_sample {
    double rss_mb;       /* VmRSS: resident now */
    double hwm_mb;       /* VmHWM: the largest resident size so far */
} frmi_memory_sample;

/* Reads this process's VmRSS and VmHWM from `status_path` (NULL:
 * /proc/self/status).  FRM_E_IO naming the file when either is absent. */
frm_code frmi_memory_read(const char *status_path, frmi_memory_sample *out, frm_error *err);

/*
 * Lowers VmHWM to the current RSS (Linux 4.0's clear_refs "5"), so a peak
 * read later belongs to what ran after this call.  Returns 0 on success,
 * -1 where the kernel does not allow it; the worker process needs no reset
 * (it is fresh), an in-process measurement is then only an upper bound.
 */
int frmi_memory_reset_peak(void);

#endif
