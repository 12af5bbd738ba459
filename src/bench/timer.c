/*
 * bench/timer.c - the clock around each run call.
 */
#include <time.h>

#include "bench/probe.h"

double frmi_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}
