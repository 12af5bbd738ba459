/*
 * benchmarks/isolation.c - what measuring each model in its own process costs.
 *
 * `frm bench` measures every model in a freshly exec'd worker by default,
 * because a process's peak RSS never goes down; `--no-isolate` measures
 * them all in its own process.  This runs the frm binary as a child, on the
 * same models with the same settings (--warmup 3 --runs 20 --no-energy),
 * both ways, REPEATS times alternating (isolated first, then in-process
 * first, ...), and prints:
 *
 *   wall      median wall time of the whole command per mode, the ratio
 *             isolated / in-process (1.00: isolation is free), and the
 *             difference per model in ms: the price of a worker, split into
 *             the difference in session creation (init_ms in the records)
 *             and the rest (exec, loading ONNX Runtime, its warm-up
 *             session, reporting back)
 *   records   per model, each mode's median latency, session creation and
 *             peak memory (medians over the repeats).  Latencies should
 *             agree.  Peaks need not: in one process the allocator's state
 *             carries over, so a model may reuse memory an earlier one left
 *             resident (a peak too low) or keep freed blocks resident (too
 *             high; the worker fixes glibc's mmap and trim thresholds so
 *             that freed large blocks go back to the system, which also
 *             makes its session creation slower): isolated peaks are each
 *             model's own, which is why isolation is the default
 *
 * The models (squeezenet1_1, mobilenetv2_100, resnet50: small to large) are
 * written with frm_zoo_write into a temporary folder.
 *
 *   usage: bench_isolation [REPEATS [FRM_BINARY]]   (default 3, the frm built alongside)
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frm/zoo.h"

#define MAX_REPEATS 20
#define N_MODELS 3

static const char *const models[N_MODELS] = {"squeezenet1_1", "mobilenetv2_100", "resnet50"};
static const char *const mode_names[2] = {"isolated", "in-process"};

/* Per mode, model and repeat; NaN where the record lacked the field. */
typedef struct results {
    double wall_s[2][MAX_REPEATS];
    double median_ms[2][N_MODELS][MAX_REPEATS];
    double init_ms[2][N_MODELS][MAX_REPEATS];
    double peak_mb[2][N_MODELS][MAX_REPEATS];
} results;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const double *v, int n)
{
    double s[MAX_REPEATS];
    memcpy(s, v, (size_t)n * sizeof v[0]);
    qsort(s, (size_t)n, sizeof s[0], cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

/* Runs `argv` with stdout to /dev/null and stderr to `log`; seconds taken, or -1. */
static double run_child(char *const *argv, const char *log)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        int err = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (null < 0 || err < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
            _exit(127);
        execv(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    double t = now() - t0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

static double number_at(json_t *rec, const char *obj, const char *key)
{
    json_t *v = json_object_get(json_object_get(rec, obj), key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Reads the records of repeat `r` in `mode`; -1 unless every model has an ok one. */
static int read_records(const char *path, int mode, int r, results *res)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_isolation: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int found = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *rec = json_loads(line, 0, &jerr);
        const char *model = json_string_value(json_object_get(rec, "model"));
        const char *status = json_string_value(json_object_get(rec, "status"));
        for (int m = 0; model && status && strcmp(status, "ok") == 0 && m < N_MODELS; m++) {
            if (strcmp(model, models[m]) != 0)
                continue;
            res->median_ms[mode][m][r] = number_at(rec, "latency_ms", "median");
            res->init_ms[mode][m][r] = number_at(rec, "latency_ms", "init_ms");
            res->peak_mb[mode][m][r] = number_at(rec, "memory_mb", "peak");
            found++;
        }
        json_decref(rec);
    }
    free(line);
    fclose(f);
    if (found != N_MODELS) {
        fprintf(stderr, "bench_isolation: %s holds %d ok records of the %d models\n", path, found, N_MODELS);
        return -1;
    }
    return 0;
}

/* One `frm bench` in `mode` (0 isolated, 1 in-process); 0 or -1. */
static int run_mode(const char *frm, const char *dir, int mode, int r, results *res)
{
    char out[512], log[512], paths[N_MODELS][512];
    snprintf(out, sizeof out, "%s/records.jsonl", dir);
    snprintf(log, sizeof log, "%s/stderr.txt", dir);
    unlink(out);
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)frm;
    argv[n++] = "bench";
    argv[n++] = "--warmup";
    argv[n++] = "3";
    argv[n++] = "--runs";
    argv[n++] = "20";
    argv[n++] = "--no-energy";
    argv[n++] = "-q";
    argv[n++] = "-o";
    argv[n++] = out;
    if (mode == 1)
        argv[n++] = "--no-isolate";
    for (int m = 0; m < N_MODELS; m++) {
        snprintf(paths[m], sizeof paths[m], "%s/%s.onnx", dir, models[m]);
        argv[n++] = paths[m];
    }
    argv[n] = NULL;
    res->wall_s[mode][r] = run_child(argv, log);
    if (res->wall_s[mode][r] < 0) {
        fprintf(stderr, "bench_isolation: `%s bench` (%s) failed; its messages:\n", frm, mode_names[mode]);
        FILE *f = fopen(log, "r");
        int c;
        while (f && (c = fgetc(f)) != EOF)
            fputc(c, stderr);
        if (f)
            fclose(f);
        return -1;
    }
    return read_records(out, mode, r, res);
}

static void cleanup(const char *dir)
{
    static const char *const files[] = {"records.jsonl", "stderr.txt"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    for (int m = 0; m < N_MODELS; m++) {
        snprintf(path, sizeof path, "%s/%s.onnx", dir, models[m]);
        unlink(path);
    }
    rmdir(dir);
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 3;
    const char *frm = argc > 2 ? argv[2] : FRM_BIN;
    if (argc > 3 || repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "usage: bench_isolation [REPEATS (1-%d) [FRM_BINARY]]\n", MAX_REPEATS);
        return 2;
    }
    if (access(frm, X_OK) != 0) {
        fprintf(stderr, "bench_isolation: %s: %s (pass the frm binary as the second argument)\n", frm,
                strerror(errno));
        return 1;
    }
    char dir[] = "/tmp/frm-bench-isolation-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    int failed = 0;
    for (int m = 0; m < N_MODELS && !failed; m++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.onnx", dir, models[m]);
        frm_error err;
        if (frm_zoo_write(models[m], path, NULL, &err) != FRM_OK) {
            fprintf(stderr, "bench_isolation: %s\n", err.message);
            failed = 1;
        }
    }
    static results res;
    for (int r = 0; r < repeats && !failed; r++)
        for (int k = 0; k < 2 && !failed; k++)
            failed = run_mode(frm, dir, (r + k) % 2, r, &res) != 0;
    cleanup(dir);
    if (failed)
        return 1;

    double iso = median_of(res.wall_s[0], repeats), inproc = median_of(res.wall_s[1], repeats);
    printf("isolation: frm bench --warmup 3 --runs 20 on %d models (", N_MODELS);
    for (int m = 0; m < N_MODELS; m++)
        printf("%s%s", m ? ", " : "", models[m]);
    printf("), %d repeats alternating; medians\n", repeats);
    printf("%-11s %9s %14s %7s\n", "mode", "wall", "per model", "ratio");
    printf("%-11s %7.3f s %11.1f ms %7.2f\n", "in-process", inproc, inproc * 1e3 / N_MODELS, 1.0);
    printf("%-11s %7.3f s %11.1f ms %7.2f\n", "isolated", iso, iso * 1e3 / N_MODELS, iso / inproc);
    double init_diff = 0;
    for (int m = 0; m < N_MODELS; m++)
        init_diff += median_of(res.init_ms[0][m], repeats) - median_of(res.init_ms[1][m], repeats);
    double overhead = (iso - inproc) * 1e3 / N_MODELS;
    printf("isolation overhead: %+.1f ms per model (%+.1f%% of the in-process wall time), of which\n",
           overhead, (iso / inproc - 1.0) * 100.0);
    printf("  session creation (init_ms difference)     %+8.1f ms per model\n", init_diff / N_MODELS);
    printf("  the rest (exec, runtime start, reply)     %+8.1f ms per model\n", overhead - init_diff / N_MODELS);
    printf("\n%-16s %21s %21s %21s\n", "per model", "median ms", "session init ms", "peak memory MB");
    printf("%-16s %10s %10s %10s %10s %10s %10s\n", "(in run order)", "isolated", "in-proc", "isolated",
           "in-proc", "isolated", "in-proc");
    for (int m = 0; m < N_MODELS; m++) {
        printf("%-16s", models[m]);
        for (int mode = 0; mode < 2; mode++)
            printf(" %10.3f", median_of(res.median_ms[mode][m], repeats));
        for (int mode = 0; mode < 2; mode++)
            printf(" %10.1f", median_of(res.init_ms[mode][m], repeats));
        for (int mode = 0; mode < 2; mode++)
            printf(" %10.1f", median_of(res.peak_mb[mode][m], repeats));
        printf("\n");
    }
    printf("in-process peaks depend on what the allocator kept from earlier models; isolated ones are "
           "each model's own\n");
    return 0;
}
