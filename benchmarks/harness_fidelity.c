/*
 * benchmarks/harness_fidelity.c - does frm's harness measure what a plain ONNX
 * Runtime program would?  frm_bench_measure (in this process, energy off)
 * against a minimal loop written directly on ONNX Runtime's C API, on the
 * same zoo model with the same settings:
 *
 *   minimal  CreateEnv, session options (intra-op threads N, inter-op 1,
 *            sequential, ORT_ENABLE_ALL), CreateSession, one input tensor of
 *            uniform [-1, 1) floats over a malloc'd buffer, then plain Run()
 *            with the input and output names on every iteration (ONNX
 *            Runtime allocates the output each time), CLOCK_MONOTONIC read
 *            around Run only
 *   frm      frm_bench_measure: the same session settings, I/O binding with
 *            the input and outputs allocated once, RunWithBinding timed
 *
 * Both create a fresh session per round and do WARMUP untimed then RUNS
 * timed inferences.  Rounds alternate (minimal, frm; then frm, minimal; ...)
 * so drift in machine load hits both alike.  Reported per model: the
 * median of the per-round medians of each side, the spread of those round
 * medians (max/min - 1: the noise floor a verdict can resolve), and the
 * ratio frm / minimal.  1.00 means frm's harness adds nothing and hides
 * nothing; the target is within 2% (PASS).  Outside 2% the verdict is FAIL
 * when both sides' spreads are within 2%, and NOISY when either is wider:
 * the machine then drifted more than the difference, so the run cannot
 * tell (run again, or with more rounds).
 *
 * Models: squeezenet1_1, mobilenetv2_100, resnet50 at every online core,
 * and squeezenet1_1 at one thread, written with frm_zoo_write into a
 * temporary folder.
 *
 *   usage: bench_harness_fidelity [ROUNDS] [WARMUP] [RUNS]   (default 5 10 100)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <onnxruntime_c_api.h>

#include "frm/bench.h"
#include "frm/zoo.h"

#define MAX_ROUNDS 50
#define TARGET 0.02

static const OrtApi *ort;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts `v` in place. */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* 1 (after printing the message) when `st` is an error. */
static int failed(OrtStatus *st, const char *what)
{
    if (!st)
        return 0;
    fprintf(stderr, "bench_harness_fidelity: ONNX Runtime: %s: %s\n", what, ort->GetErrorMessage(st));
    ort->ReleaseStatus(st);
    return 1;
}

/*
 * One round of the minimal loop: the median of `runs` timed Run() calls
 * after `warmup` untimed ones, in ms, or NaN on error.  `samples` has room
 * for `runs` values.
 */
static double minimal_round(const char *path, int resolution, int threads, int warmup, int runs,
                            double *samples)
{
    OrtEnv *env = NULL;
    OrtSessionOptions *so = NULL;
    OrtSession *session = NULL;
    OrtMemoryInfo *mem = NULL;
    OrtValue *input = NULL;
    const int64_t dims[4] = {1, 3, resolution, resolution};
    size_t count = (size_t)3 * (size_t)resolution * (size_t)resolution;
    float *data = malloc(count * sizeof *data);
    double result = NAN;
    if (!data) {
        fputs("bench_harness_fidelity: out of memory\n", stderr);
        return NAN;
    }
    /* splitmix64 from seed 0, as frm fills its inputs by default. */
    uint64_t state = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        data[i] = (float)((double)(z >> 11) * 0x1.0p-53 * 2.0 - 1.0);
    }
    if (failed(ort->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "minimal", &env), "creating the environment") ||
        failed(ort->CreateSessionOptions(&so), "creating session options") ||
        failed(ort->SetIntraOpNumThreads(so, threads), "setting intra-op threads") ||
        failed(ort->SetInterOpNumThreads(so, 1), "setting inter-op threads") ||
        failed(ort->SetSessionExecutionMode(so, ORT_SEQUENTIAL), "setting sequential execution") ||
        failed(ort->SetSessionGraphOptimizationLevel(so, ORT_ENABLE_ALL), "setting graph optimisation") ||
        failed(ort->CreateSession(env, path, so, &session), path) ||
        failed(ort->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mem), "describing memory") ||
        failed(ort->CreateTensorWithDataAsOrtValue(mem, data, count * sizeof *data, dims, 4,
                                                   ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &input),
               "creating the input"))
        goto done;
    const char *in_names[] = {"input"}, *out_names[] = {"logits"};
    for (int i = 0; i < warmup + runs; i++) {
        OrtValue *output = NULL;
        double t0 = now_ms();
        OrtStatus *st = ort->Run(session, NULL, in_names, (const OrtValue *const *)&input, 1, out_names, 1,
                                 &output);
        double t1 = now_ms();
        if (output)
            ort->ReleaseValue(output);
        if (failed(st, "running the model"))
            goto done;
        if (i >= warmup)
            samples[i - warmup] = t1 - t0;
    }
    result = median(samples, runs);
done:
    if (input)
        ort->ReleaseValue(input);
    if (mem)
        ort->ReleaseMemoryInfo(mem);
    if (session)
        ort->ReleaseSession(session);
    if (so)
        ort->ReleaseSessionOptions(so);
    if (env)
        ort->ReleaseEnv(env);
    free(data);
    return result;
}

/* One round through frm: its median in ms, or NaN on error. */
static double frm_round(const char *path, int threads, int warmup, int runs)
{
    frm_bench_options opt = FRM_BENCH_OPTIONS_INIT;
    opt.threads = threads;
    opt.warmup = warmup;
    opt.runs = runs;
    opt.energy = 0;
    frm_measurement m;
    frm_error err;
    if (frm_bench_measure(path, &opt, &m, &err) != FRM_OK) {
        fprintf(stderr, "bench_harness_fidelity: %s\n", err.message);
        return NAN;
    }
    return m.latency_ms.median;
}

typedef struct side {
    double round[MAX_ROUNDS];   /* per-round medians, ms */
    double median, spread;
} side;

static void summarise(side *s, int rounds)
{
    double sorted[MAX_ROUNDS];
    for (int r = 0; r < rounds; r++)
        sorted[r] = s->round[r];
    s->median = median(sorted, rounds);
    s->spread = sorted[rounds - 1] / sorted[0] - 1.0;
}

/* Measures one model at `threads` (frm's 0: every online core) and prints
 * its row; returns -1 on error, else 0 for PASS and 1 otherwise. */
static int compare(const char *dir, const char *name, int threads, int rounds, int warmup, int runs)
{
    const frm_zoo_info *info = frm_zoo_find(name);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.onnx", dir, name);
    frm_error err;
    if (!info || frm_zoo_write(name, path, NULL, &err) != FRM_OK) {
        fprintf(stderr, "bench_harness_fidelity: %s: %s\n", name, info ? err.message : "not a zoo model");
        return -1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int n_threads = threads > 0 ? threads : (cores > 0 ? (int)cores : 1);
    double *samples = malloc((size_t)runs * sizeof *samples);
    side minimal, frm;
    int status = samples ? 0 : -1;
    for (int r = 0; r < rounds && status == 0; r++) {
        /* Even rounds start with the minimal loop, odd ones with frm. */
        for (int k = 0; k < 2 && status == 0; k++) {
            if ((k + r) % 2 == 0)
                minimal.round[r] = minimal_round(path, info->resolution, n_threads, warmup, runs, samples);
            else
                frm.round[r] = frm_round(path, threads, warmup, runs);
            if (isnan((k + r) % 2 == 0 ? minimal.round[r] : frm.round[r]))
                status = -1;
        }
    }
    free(samples);
    unlink(path);
    if (status != 0)
        return -1;
    summarise(&minimal, rounds);
    summarise(&frm, rounds);
    double ratio = frm.median / minimal.median;
    int pass = fabs(ratio - 1.0) <= TARGET;
    int noisy = minimal.spread > TARGET || frm.spread > TARGET;
    printf("%-16s %7d %10.3f ms %5.1f%% %10.3f ms %5.1f%% %7.3f  %s\n", name, n_threads, minimal.median,
           minimal.spread * 100.0, frm.median, frm.spread * 100.0, ratio,
           pass ? "PASS" : noisy ? "NOISY" : "FAIL");
    fflush(stdout);
    return !pass;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    int warmup = argc > 2 ? atoi(argv[2]) : 10;
    int runs = argc > 3 ? atoi(argv[3]) : 100;
    if (argc > 4 || rounds < 1 || rounds > MAX_ROUNDS || warmup < 0 || runs < 1) {
        fprintf(stderr, "usage: bench_harness_fidelity [ROUNDS (1-%d)] [WARMUP] [RUNS]\n", MAX_ROUNDS);
        return 2;
    }
    ort = OrtGetApiBase()->GetApi(ORT_API_VERSION);
    if (!ort) {
        fprintf(stderr, "bench_harness_fidelity: ONNX Runtime %s lacks API version %d\n",
                OrtGetApiBase()->GetVersionString(), ORT_API_VERSION);
        return 1;
    }
    char dir[] = "/tmp/frm-bench-fidelity-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    static const struct {
        const char *model;
        int threads;
    } cases[] = {
        {"squeezenet1_1", 0},
        {"mobilenetv2_100", 0},
        {"resnet50", 0},
        {"squeezenet1_1", 1},
    };
    printf("harness fidelity: frm_bench_measure vs a minimal ONNX Runtime %s Run() loop\n",
           OrtGetApiBase()->GetVersionString());
    printf("%d rounds alternating, each a new session with %d warm-up + %d timed runs; "
           "median of round medians; spread = max/min - 1 of the round medians\n",
           rounds, warmup, runs);
    printf("%-16s %7s %13s %6s %13s %6s %7s  %s\n", "model", "threads", "minimal", "spread", "frm",
           "spread", "ratio", "within 2%");
    int fails = 0, status = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && status == 0; i++) {
        int rc = compare(dir, cases[i].model, cases[i].threads, rounds, warmup, runs);
        if (rc < 0)
            status = 1;
        else
            fails += rc;
    }
    rmdir(dir);
    if (status == 0)
        printf("ratio = frm / minimal; %d of %zu within %.0f%%\n",
               (int)(sizeof cases / sizeof cases[0]) - fails, sizeof cases / sizeof cases[0], TARGET * 100);
    return status;
}
