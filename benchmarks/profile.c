/*
 * benchmarks/profile.c - how fast `frm profile` reads a large model, and how much
 * memory it needs, against references measured in the same run:
 *
 *   read      read() of the whole file into memory: the I/O floor
 *   unpack    protobuf-c unpacking the whole file (what a reader that keeps
 *             the weights would do)
 *   profile   frm_profile_file: reading, shape inference and counting
 *
 * Peak memory is each child process's ru_maxrss, relative to the file size.
 * The model (about 100 MB of float weights in 3x3 convolutions) is written
 * to a temporary folder first, so all three read it from the page cache.
 *
 * usage: bench_profile [MEGABYTES] [RUNS]
 */
/* wait4, for each child's own peak RSS. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frm/profile.h"
#include "onnx/onnx.pb-c.h"
#include "onnx/writer.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Conv layers of 512 -> 512 channels, 3x3: 9.4 MB of weights each. */
static int write_model(const char *path, int megabytes)
{
    const int64_t c = 512;
    int layers = (int)(((int64_t)megabytes * 1000000 + c * c * 36 - 1) / (c * c * 9 * 4));
    if (layers < 1)
        layers = 1;
    frmi_onnx_builder *b = frmi_onnx_builder_new("bench", 17);
    const int64_t x[] = { 1, c, 14, 14 }, w[] = { c, c, 3, 3 }, bias[] = { c };
    const int64_t pads[] = { 1, 1, 1, 1 };
    frmi_onnx_input(b, "x0", 1, 4, x, NULL);
    for (int i = 0; i < layers; i++) {
        char in[32], out[32], wn[32], bn[32];
        snprintf(in, sizeof in, "x%d", i);
        snprintf(out, sizeof out, "x%d", i + 1);
        snprintf(wn, sizeof wn, "w%d", i);
        snprintf(bn, sizeof bn, "b%d", i);
        float *data = frmi_onnx_initializer_f32_fill(b, wn, 4, w);
        if (data)
            for (int64_t k = 0; k < c * c * 9; k++)
                data[k] = (float)((k * 2654435761u) % 1000) * 1e-6f;
        frmi_onnx_initializer_f32(b, bn, 1, bias, NULL);
        frmi_onnx_node *n = frmi_onnx_node_add(b, "Conv", NULL, 3, (const char *[]){ in, wn, bn },
                                               1, (const char *[]){ out });
        frmi_onnx_attr_ints(n, "pads", 4, pads);
    }
    char last[32];
    snprintf(last, sizeof last, "x%d", layers);
    frmi_onnx_output(b, last, 1, 4, x, NULL);
    frm_error err;
    frm_code rc = frmi_onnx_write(b, path, NULL, &err);
    frmi_onnx_builder_free(b);
    if (rc != FRM_OK)
        fprintf(stderr, "bench_profile: %s\n", err.message);
    return rc == FRM_OK ? 0 : 1;
}

enum task { TASK_WRITE, TASK_READ, TASK_UNPACK, TASK_PROFILE };

static int run_task(enum task t, const char *path, int megabytes)
{
    if (t == TASK_WRITE)
        return write_model(path, megabytes);
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        return 1;
    size_t size = (size_t)st.st_size;
    int rc = 0;
    if (t == TASK_READ) {
        char *buf = malloc(size);
        size_t got = 0;
        ssize_t n;
        while (buf && got < size && (n = read(fd, buf + got, size - got)) > 0)
            got += (size_t)n;
        rc = !buf || got != size;
        free(buf);
    } else if (t == TASK_UNPACK) {
        void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        Onnx__ModelProto *m = map == MAP_FAILED ? NULL : onnx__model_proto__unpack(NULL, size, map);
        rc = !m;
        if (m)
            onnx__model_proto__free_unpacked(m, NULL);
        if (map != MAP_FAILED)
            munmap(map, size);
    } else {
        frm_profile *p;
        frm_error err;
        frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
        rc = frm_profile_file(path, &opt, &p, &err) != FRM_OK;
        if (rc)
            fprintf(stderr, "bench_profile: %s\n", err.message);
        else
            frm_profile_free(p);
    }
    close(fd);
    return rc;
}

/* Runs `t` in a fresh child: seconds taken, and its peak RSS in bytes. */
static int measure(enum task t, const char *path, int megabytes, double *secs, long *rss)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(run_task(t, path, megabytes));
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    *secs = now() - t0;
    *rss = ru.ru_maxrss * 1024L;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int megabytes = argc > 1 ? atoi(argv[1]) : 100;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    if (megabytes < 1 || runs < 1 || runs > 100) {
        fputs("usage: bench_profile [MEGABYTES] [RUNS]\n", stderr);
        return 2;
    }
    char dir[] = "/tmp/frm-bench-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[64];
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    double secs;
    long rss;
    int failed = measure(TASK_WRITE, path, megabytes, &secs, &rss) != 0;
    struct stat st;
    if (failed || stat(path, &st) != 0) {
        fputs("bench_profile: could not write the model\n", stderr);
        rmdir(dir);
        return 1;
    }
    double size = (double)st.st_size;
    printf("model: %.1f MB, 3x3 convolutions of 512 channels; %d runs each, median\n", size / 1e6, runs);

    static const char *const names[] = { "", "read", "unpack", "profile" };
    double median[4] = { 0 };
    long peak[4] = { 0 };
    /* Interleaved, so drift in machine load hits all three alike. */
    double *times[4];
    for (int t = 1; t < 4; t++)
        times[t] = calloc((size_t)runs, sizeof(double));
    for (int r = 0; r < runs && !failed; r++)
        for (int t = 1; t < 4 && !failed; t++) {
            if (measure((enum task)t, path, megabytes, &times[t][r], &rss) != 0)
                failed = 1;
            if (rss > peak[t])
                peak[t] = rss;
        }
    if (!failed) {
        printf("%-8s %10s %9s %12s %10s\n", "task", "time", "vs read", "peak RSS", "vs file");
        for (int t = 1; t < 4; t++) {
            qsort(times[t], (size_t)runs, sizeof(double), cmp_double);
            median[t] = times[t][runs / 2];
            printf("%-8s %8.1f ms %8.2fx %9.1f MB %9.2fx\n", names[t], median[t] * 1e3,
                   median[t] / median[1], (double)peak[t] / 1e6, (double)peak[t] / size);
        }
        printf("profile vs unpack: %.2fx the time, %.2fx the memory\n", median[3] / median[2],
               (double)peak[3] / (double)peak[2]);
    }
    for (int t = 1; t < 4; t++)
        free(times[t]);
    unlink(path);
    rmdir(dir);
    if (failed)
        fputs("bench_profile: a measurement failed\n", stderr);
    return failed;
}
