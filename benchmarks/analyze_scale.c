/*
 * benchmarks/analyze_scale.c - `frm analyze` on synthetic datasets of growing
 * size, up to 2,000 configurations x 1,000 models.
 *
 * The datasets are SYNTHETIC (every record says "source":
 * "synthetic:bench"), seeded, and shaped like the paper's: each model has
 * a base latency, MACs that follow it loosely, a memory peak and an
 * accuracy; each configuration a tier (gpu, cpu, edge in turn) and a
 * speed; each (model, tier) an interaction factor and each cell its own
 * noise, so rankings differ between configurations as measured ones do.
 * Devices hold two configurations each (an onnxruntime and a tflite one),
 * so the frameworks section has pairs.  Models 0, 1 and 2 are resnet50,
 * mobilenetv2_100 and efficientnet_b0, the default baselines.
 *
 * For each size of the ladder it writes the dataset to a temporary file,
 * then runs the frm binary as a child, REPEATS times each:
 *
 *   load      frm analyze --format json --section flops FILE
 *             (reads and scores the records, then the cheapest section: the reference)
 *   analyze   frm analyze --format json FILE     (every section)
 *
 * and prints each one's median wall time, the largest peak resident set
 * (ru_maxrss of the child) and the ratio analyze / load: what the whole
 * analysis costs on top of reading and scoring the records.  The bounds (well under a
 * second for 119 x 13; 60 s and 4 GB for 2,000 x 1,000) are checked and a
 * failure exits 1.
 *
 *   usage: bench_analyze_scale [REPEATS [FRM_BINARY]]     (default 3, the frm built alongside)
 *          bench_analyze_scale --generate CONFIGS MODELS FILE
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seeded_random.h"

#define SEED 20261125u
#define MAX_REPEATS 9

static const struct {
    size_t configs, models;
    double max_seconds, max_gb;    /* 0: no bound at this size */
} ladder[] = {
    {119, 13, 1.0, 0},
    {200, 100, 0, 0},
    {500, 300, 0, 0},
    {1000, 500, 0, 0},
    {2000, 1000, 60.0, 4.0},
};

static const char *const tiers[3] = {"gpu", "cpu", "edge"};
static const char *const named[3] = {"resnet50", "mobilenetv2_100", "efficientnet_b0"};

static int generate(size_t n_configs, size_t n_models, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_analyze_scale: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint64_t s = SEED;
    double *lat = malloc(n_models * sizeof *lat), *macs = malloc(n_models * sizeof *macs);
    double *mem = malloc(n_models * sizeof *mem), *acc = malloc(n_models * sizeof *acc);
    double *inter = malloc(3 * n_models * sizeof *inter);
    if (!lat || !macs || !mem || !acc || !inter) {
        fclose(f);
        return -1;
    }
    for (size_t m = 0; m < n_models; m++) {
        lat[m] = 5.0 * exp(gaussian(&s));
        macs[m] = round(lat[m] * 4e8 * exp(0.5 * gaussian(&s)));
        mem[m] = 20.0 + 30.0 * exp(gaussian(&s));
        acc[m] = 0.55 + 0.3 * uniform(&s);
        for (int t = 0; t < 3; t++)
            inter[t * n_models + m] = exp(0.3 * gaussian(&s));
    }
    static const double tier_speed[3] = {0.1, 1.0, 4.0};
    for (size_t c = 0; c < n_configs; c++) {
        int t = (int)(c / 2 % 3);
        const char *fw = c % 2 ? "tflite" : "onnxruntime";
        double speed = tier_speed[t] * exp(0.5 * gaussian(&s));
        for (size_t m = 0; m < n_models; m++) {
            char name[32];
            if (m < 3)
                snprintf(name, sizeof name, "%s", named[m]);
            else
                snprintf(name, sizeof name, "synthetic-%04zu", m);
            double l = lat[m] * speed * inter[t * n_models + m] * exp(0.1 * gaussian(&s));
            fprintf(f,
                    "{\"schema\":\"frm.record/1\",\"status\":\"ok\",\"model\":\"%s\","
                    "\"device\":\"synthetic-%04zu\",\"tier\":\"%s\",\"framework\":\"%s\","
                    "\"config_id\":\"synthetic-%04zu/%s\",\"latency_ms\":{\"median\":%.4f},"
                    "\"memory_mb\":{\"peak\":%.2f},\"macs\":%.0f,\"accuracy_top1\":%.4f,"
                    "\"source\":\"synthetic:bench\"}\n",
                    name, c / 2, tiers[t], fw, c / 2, fw, l,
                    mem[m] * exp(0.05 * gaussian(&s)), macs[m], acc[m]);
        }
    }
    free(lat);
    free(macs);
    free(mem);
    free(acc);
    free(inter);
    if (fclose(f) != 0) {
        fprintf(stderr, "bench_analyze_scale: writing %s failed\n", path);
        return -1;
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs argv with stdout to /dev/null; wall seconds and peak RSS in MB, or -1. */
static double run(char *const argv[], double *peak_mb)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    double wall = now() - t0;
    *peak_mb = (double)ru.ru_maxrss / 1024.0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_analyze_scale: %s %s failed (status %d)\n", argv[0], argv[1],
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    return wall;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--generate") == 0)
        return generate(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10), argv[4]) ? 1 : 0;
    int repeats = argc > 1 ? atoi(argv[1]) : 3;
    const char *frm = argc > 2 ? argv[2] : FRM_BIN;
    if (repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "usage: bench_analyze_scale [REPEATS (1-%d) [FRM_BINARY]]\n",
                MAX_REPEATS);
        return 2;
    }
    char dir[] = "/tmp/frm-analyze-scale-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_analyze_scale: mkdtemp");
        return 1;
    }
    printf("frm analyze on synthetic datasets (median of %d runs; peak = largest child RSS)\n\n",
           repeats);
    printf("%7s x %-6s %10s %9s %9s %9s %9s %8s\n", "configs", "models", "records",
           "load s", "peak MB", "analyze s", "peak MB", "ratio");
    int failed = 0;
    for (size_t i = 0; i < sizeof ladder / sizeof ladder[0]; i++) {
        char path[sizeof dir + 32];
        snprintf(path, sizeof path, "%s/data.jsonl", dir);
        if (generate(ladder[i].configs, ladder[i].models, path) != 0) {
            failed = 1;
            break;
        }
        char *score[] = {(char *)frm, "analyze", "--format", "json", "--section", "flops", path,
                         NULL};
        char *analyze[] = {(char *)frm, "analyze", "--format", "json", path, NULL};
        double t_score[MAX_REPEATS], t_analyze[MAX_REPEATS], peak_score = 0, peak_analyze = 0;
        for (int r = 0; r < repeats && !failed; r++) {
            double p;
            t_score[r] = run(score, &p);
            peak_score = fmax(peak_score, p);
            t_analyze[r] = run(analyze, &p);
            peak_analyze = fmax(peak_analyze, p);
            failed = t_score[r] < 0 || t_analyze[r] < 0;
        }
        unlink(path);
        if (failed)
            break;
        qsort(t_score, (size_t)repeats, sizeof t_score[0], cmp_double);
        qsort(t_analyze, (size_t)repeats, sizeof t_analyze[0], cmp_double);
        double ts = t_score[repeats / 2], ta = t_analyze[repeats / 2];
        printf("%7zu x %-6zu %10zu %9.2f %9.0f %9.2f %9.0f %8.2f", ladder[i].configs,
               ladder[i].models, ladder[i].configs * ladder[i].models, ts, peak_score, ta,
               peak_analyze, ta / ts);
        if (ladder[i].max_seconds > 0) {
            bool ok = ta < ladder[i].max_seconds &&
                      (ladder[i].max_gb == 0 || peak_analyze < ladder[i].max_gb * 1024);
            if (ladder[i].max_gb > 0)
                printf("   bound %.0f s, %.0f GB: %s", ladder[i].max_seconds, ladder[i].max_gb,
                       ok ? "met" : "MISSED");
            else
                printf("   bound %.0f s: %s", ladder[i].max_seconds, ok ? "met" : "MISSED");
            failed |= !ok;
        }
        printf("\n");
        fflush(stdout);
    }
    rmdir(dir);
    return failed;
}
