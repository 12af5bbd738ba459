/*
 * bench/memory.c - resident memory of this process, from /proc.
 *
 * VmHWM is the kernel's own peak of resident pages: it sees every
 * allocation of the runtime, including its threads' arenas and memory
 * mapped from the model file, which an allocator hook would miss.
 */
#include <stdio.h>
#include <string.h>

#include "bench/probe.h"
#include "util/error.h"

frm_code frmi_memory_read(const char *status_path, frmi_memory_sample *out, frm_error *err)
{
    const char *path = status_path ? status_path : "/proc/self/status";
    FILE *f = fopen(path, "r");
    if (!f)
        return frmi_fail(err, FRM_E_IO, "cannot read %s", path);
    char line[256];
    double rss_kb = -1, hwm_kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            sscanf(line + 6, "%lf", &rss_kb);
        else if (strncmp(line, "VmHWM:", 6) == 0)
            sscanf(line + 6, "%lf", &hwm_kb);
    }
    fclose(f);
    if (rss_kb < 0 || hwm_kb < 0)
        return frmi_fail(err, FRM_E_IO, "%s has no %s line", path, rss_kb < 0 ? "VmRSS" : "VmHWM");
    /* The kernel's "kB" is KiB; records use MB of 10^6 bytes. */
    out->rss_mb = rss_kb * 1024.0 / 1e6;
    out->hwm_mb = hwm_kb * 1024.0 / 1e6;
    return FRM_OK;
}

int frmi_memory_reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}
