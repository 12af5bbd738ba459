/*
 * bench/energy_rapl.c - CPU package energy from Linux powercap (RAPL).
 *
 * Each top-level zone, intel-rapl:N (the name AMD processors get too, from
 * the same kernel driver) or amd-rapl:N, is one package.  Its sub-zones
 * (intel-rapl:N:M: cores, uncore, dram) are left out because the package
 * counts them already, intel-rapl-mmio:N because it is the same package
 * counter again through another interface, and a "psys" zone because it
 * counts the whole platform, packages included.
 *
 * energy_uj counts microjoules from 0 to max_energy_range_uj and starts
 * again from 0, so max_energy_range_uj is the counter's `max` of
 * bench/energy_source.h, whose turn is max + 1.  (With Intel's 32-bit
 * hardware counter the true turn is max plus one hardware energy unit,
 * some 15 to 61 uJ: neither +0 nor +1 has it exactly, and the difference
 * is below a millionth of a millionth of a turn of some 260 kJ.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/energy_source.h"
#include "util/error.h"

typedef struct rapl_counter {
    int fd;          /* energy_uj, open for the meter's life: pread re-reads it */
    char *path;
} rapl_counter;

typedef struct rapl {
    size_t n;
    rapl_counter c[];
} rapl;

static const char *const zone_prefixes[] = {"intel-rapl", "amd-rapl"};

/* "<prefix>:<digits>", exactly. */
static int is_package_zone(const struct dirent *d)
{
    for (size_t i = 0; i < sizeof zone_prefixes / sizeof zone_prefixes[0]; i++) {
        size_t len = strlen(zone_prefixes[i]);
        if (strncmp(d->d_name, zone_prefixes[i], len) != 0 || d->d_name[len] != ':')
            continue;
        const char *digits = d->d_name + len + 1;
        return digits[0] && digits[strspn(digits, "0123456789")] == '\0';
    }
    return 0;
}

/* root/zone/file, allocated; NULL when out of memory. */
static char *zone_path(const char *root, const char *zone, const char *file)
{
    int len = snprintf(NULL, 0, "%s/%s/%s", root, zone, file);
    char *path = len < 0 ? NULL : malloc((size_t)len + 1);
    if (path)
        snprintf(path, (size_t)len + 1, "%s/%s/%s", root, zone, file);
    return path;
}

/* Since Linux 5.10 (CVE-2020-8694) energy_uj is mode 0400, so EACCES is
 * the usual answer to anyone but root, and worth saying so. */
static int open_attr(const char *path, frm_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EPERM))
        frmi_fail(err, FRM_E_IO, "RAPL energy counters are readable only by root (%s: %s)", path,
                  strerror(errno));
    else if (fd < 0)
        frmi_fail(err, FRM_E_IO, "cannot open RAPL energy counter %s: %s", path, strerror(errno));
    return fd;
}

/* The attribute's text from its start: a sysfs file is re-read with pread
 * at offset 0, never by reading on. */
static frm_code read_counter(int fd, const char *path, uint64_t *out, frm_error *err)
{
    char text[32];
    ssize_t got = pread(fd, text, sizeof text - 1, 0);
    if (got < 0)
        return frmi_fail(err, FRM_E_IO, "cannot read %s: %s", path, strerror(errno));
    text[got] = '\0';
    size_t digits = strspn(text, "0123456789");
    int ends_right = text[digits] == '\0' || (text[digits] == '\n' && text[digits + 1] == '\0');
    errno = 0;
    unsigned long long value = digits > 0 && ends_right ? strtoull(text, NULL, 10) : 0;
    if (digits == 0 || !ends_right || errno == ERANGE)
        return frmi_fail(err, FRM_E_IO, "%s does not hold a counter (an unsigned decimal number)",
                         path);
    *out = value;
    return FRM_OK;
}

/* Whether the zone names itself "psys"; a zone without a readable name is
 * taken for a package. */
static int is_psys(const char *root, const char *zone)
{
    char *path = zone_path(root, zone, "name");
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    char name[16];
    ssize_t got = fd < 0 ? -1 : pread(fd, name, sizeof name - 1, 0);
    if (fd >= 0)
        close(fd);
    free(path);
    if (got < 0)
        return 0;
    name[got] = '\0';
    return strcmp(name, "psys\n") == 0 || strcmp(name, "psys") == 0;
}

static void rapl_close(void *ctx)
{
    rapl *r = ctx;
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->c[i].fd >= 0)
            close(r->c[i].fd);
        free(r->c[i].path);
    }
    free(r);
}

static frm_code rapl_read(void *ctx, uint64_t *values, frm_error *err)
{
    rapl *r = ctx;
    for (size_t i = 0; i < r->n; i++) {
        frm_code rc = read_counter(r->c[i].fd, r->c[i].path, &values[i], err);
        if (rc != FRM_OK)
            return rc;
    }
    return FRM_OK;
}

static const frmi_energy_kind rapl_kind = {"rapl", 1000.0, rapl_read, rapl_close};

/* Appends the zone's counter to `r` (room is there) and its range to max[r->n]. */
static frm_code open_zone(const char *root, const char *zone, rapl *r, uint64_t *max,
                          frm_error *err)
{
    if (is_psys(root, zone))
        return FRM_OK;
    char *range_path = zone_path(root, zone, "max_energy_range_uj");
    char *path = zone_path(root, zone, "energy_uj");
    if (!range_path || !path) {
        free(range_path);
        free(path);
        return frmi_nomem(err);
    }
    rapl_counter *c = &r->c[r->n];
    uint64_t *range = &max[r->n];
    c->path = path;
    c->fd = open_attr(path, err);
    r->n++;                        /* rapl_close owns the counter from here */
    if (c->fd < 0) {
        free(range_path);
        return FRM_E_IO;
    }
    int range_fd = open_attr(range_path, err);
    frm_code rc = range_fd < 0 ? FRM_E_IO : read_counter(range_fd, range_path, range, err);
    if (range_fd >= 0)
        close(range_fd);
    free(range_path);
    /* Read once now, so that an unusable counter fails here rather than
     * after the model has been measured. */
    uint64_t first;
    return rc != FRM_OK ? rc : read_counter(c->fd, c->path, &first, err);
}

frm_code frmi_energy_rapl_open(const char *root, frmi_energy **out, frm_error *err)
{
    if (!root)
        root = "/sys/class/powercap";
    struct dirent **zones;
    int found = scandir(root, &zones, is_package_zone, alphasort);
    if (found < 0)
        return frmi_fail(err, FRM_E_IO, "no RAPL energy counters under %s (%s)", root,
                         strerror(errno));
    rapl *r = calloc(1, sizeof *r + (size_t)found * sizeof r->c[0]);
    uint64_t *max = calloc((size_t)found + 1, sizeof *max);
    frm_code rc = r && max ? FRM_OK : frmi_nomem(err);
    for (int i = 0; rc == FRM_OK && i < found; i++)
        rc = open_zone(root, zones[i]->d_name, r, max, err);
    if (rc == FRM_OK && r->n == 0)
        rc = frmi_fail(err, FRM_E_IO, "no RAPL energy counters under %s (no package zone "
                       "intel-rapl:N or amd-rapl:N)", root);
    for (int i = 0; i < found; i++)
        free(zones[i]);
    free(zones);
    if (rc == FRM_OK)
        rc = frmi_energy_new(&rapl_kind, r, r->n, max, out, err);
    else
        rapl_close(r);
    free(max);
    return rc;
}
