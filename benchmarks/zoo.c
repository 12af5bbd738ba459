/*
 * benchmarks/zoo.c - how long `frm zoo` takes to write all 13 models, against
 * the floor of writing the same number of bytes with plain fwrite in the
 * same process (both into a temporary folder, both flushed to the page
 * cache only).
 *
 * usage: bench_zoo [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "frm/zoo.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Writes every model; returns seconds (or -1) and the bytes written. */
static double write_zoo(const char *dir, long long *bytes)
{
    *bytes = 0;
    double t0 = now();
    for (size_t i = 0; i < frm_zoo_count(); i++) {
        const char *name = frm_zoo_at(i)->name;
        char path[256];
        snprintf(path, sizeof path, "%s/%s.onnx", dir, name);
        frm_error err;
        if (frm_zoo_write(name, path, NULL, &err) != FRM_OK) {
            fprintf(stderr, "bench_zoo: %s\n", err.message);
            return -1;
        }
        struct stat st;
        if (stat(path, &st) == 0)
            *bytes += st.st_size;
    }
    double t = now() - t0;
    for (size_t i = 0; i < frm_zoo_count(); i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s.onnx", dir, frm_zoo_at(i)->name);
        unlink(path);
    }
    return t;
}

/* The same bytes in 13 files of the same sizes, from one buffer. */
static double write_plain(const char *dir, long long bytes)
{
    size_t chunk = 1 << 20;
    char *buf = malloc(chunk);
    if (!buf)
        return -1;
    memset(buf, 0x3c, chunk);
    double t0 = now();
    long long per_file = bytes / (long long)frm_zoo_count();
    for (size_t i = 0; i < frm_zoo_count(); i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/plain%zu", dir, i);
        FILE *f = fopen(path, "wb");
        if (!f) {
            free(buf);
            return -1;
        }
        for (long long left = per_file; left > 0; left -= (long long)chunk)
            fwrite(buf, 1, left < (long long)chunk ? (size_t)left : chunk, f);
        fclose(f);
    }
    double t = now() - t0;
    for (size_t i = 0; i < frm_zoo_count(); i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/plain%zu", dir, i);
        unlink(path);
    }
    free(buf);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    if (runs < 1 || runs > 50) {
        fputs("usage: bench_zoo [RUNS]\n", stderr);
        return 2;
    }
    char dir[] = "/tmp/frm-bench-zoo-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    double tz[50], tp[50];
    long long bytes = 0;
    int failed = 0;
    for (int r = 0; r < runs && !failed; r++) {
        tz[r] = write_zoo(dir, &bytes);
        tp[r] = write_plain(dir, bytes);
        failed = tz[r] < 0 || tp[r] < 0;
    }
    rmdir(dir);
    if (failed) {
        fputs("bench_zoo: a run failed\n", stderr);
        return 1;
    }
    qsort(tz, (size_t)runs, sizeof tz[0], cmp_double);
    qsort(tp, (size_t)runs, sizeof tp[0], cmp_double);
    double z = tz[runs / 2], p = tp[runs / 2];
    printf("zoo: %zu models, %.1f MB; median of %d runs\n", frm_zoo_count(), (double)bytes / 1e6, runs);
    printf("plain fwrite of the same bytes  %7.2f s  1.00x\n", p);
    printf("frm zoo (build + weights + write) %5.2f s  %.2fx\n", z, z / p);
    return 0;
}
