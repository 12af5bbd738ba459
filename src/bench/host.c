/*
 * bench/host.c - describing the machine a measurement was taken on.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench/host_json.h"
#include "frm/host.h"

static void copy_trimmed(char *dst, size_t size, const char *src)
{
    while (*src == ' ' || *src == '\t')
        src++;
    size_t n = strcspn(src, "\r\n");
    while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t'))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The value after "key<spaces>:" in a /proc-style "key : value" file. */
static int read_keyed(const char *path, const char *key, char sep, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    int found = -1;
    size_t klen = strlen(key);
    while (found != 0 && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0)
            continue;
        const char *p = line + klen;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != sep)
            continue;
        p++;
        copy_trimmed(out, size, p);
        if (out[0] == '"') {          /* os-release quotes its values */
            size_t n = strlen(out);
            if (n >= 2 && out[n - 1] == '"') {
                memmove(out, out + 1, n - 2);
                out[n - 2] = '\0';
            }
        }
        found = 0;
    }
    fclose(f);
    return found;
}

static int read_first_line(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    int found = fgets(line, sizeof line, f) && line[0] ? 0 : -1;
    fclose(f);
    if (found == 0)
        copy_trimmed(out, size, line);
    return found;
}

void frm_host_probe(frm_host *out)
{
    memset(out, 0, sizeof *out);
    /* x86 says "model name"; Arm boards say "Hardware" or only "CPU part". */
    if (read_keyed("/proc/cpuinfo", "model name", ':', out->cpu_model, sizeof out->cpu_model) &&
        read_keyed("/proc/cpuinfo", "Hardware", ':', out->cpu_model, sizeof out->cpu_model) &&
        read_first_line("/proc/device-tree/model", out->cpu_model, sizeof out->cpu_model))
        snprintf(out->cpu_model, sizeof out->cpu_model, "unknown");

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    out->logical_cores = cores > 0 ? (int)cores : 1;
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page_size > 0)
        out->memory_bytes = (uint64_t)pages * (uint64_t)page_size;

    if (read_keyed("/etc/os-release", "PRETTY_NAME", '=', out->os, sizeof out->os) &&
        read_keyed("/usr/lib/os-release", "PRETTY_NAME", '=', out->os, sizeof out->os))
        snprintf(out->os, sizeof out->os, "unknown");
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(out->kernel, sizeof out->kernel, "%s %s", u.sysname, u.release);
        snprintf(out->arch, sizeof out->arch, "%s", u.machine);
    } else {
        snprintf(out->kernel, sizeof out->kernel, "unknown");
        snprintf(out->arch, sizeof out->arch, "unknown");
    }
}

void frmi_host_write_json(frmi_jsonw *w, const frm_host *h)
{
    frmi_jsonw_object(w);
    frmi_jsonw_key(w, "arch");
    frmi_jsonw_string(w, h->arch);
    frmi_jsonw_key(w, "cpu_model");
    frmi_jsonw_string(w, h->cpu_model);
    frmi_jsonw_key(w, "kernel");
    frmi_jsonw_string(w, h->kernel);
    frmi_jsonw_key(w, "logical_cores");
    frmi_jsonw_number(w, h->logical_cores);
    frmi_jsonw_key(w, "memory_bytes");
    frmi_jsonw_number(w, (double)h->memory_bytes);
    frmi_jsonw_key(w, "os");
    frmi_jsonw_string(w, h->os);
    frmi_jsonw_end(w);
}
