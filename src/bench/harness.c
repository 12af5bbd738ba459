/*
 * bench/harness.c - the measurement protocol around a backend.
 *
 * Order matters and is the protocol:
 *   1. start the runtime, then read RSS: the baseline excludes the
 *      runtime's fixed start-up cost;
 *   2. create the session (timed: init_ms), read RSS again;
 *   3. prepare inputs and outputs once;
 *   4. warm-up runs, untimed except the very first (first_run);
 *   5. the timed loop: the clock is read around the run call only, and
 *      nothing else (energy polls, progress, the adaptive check) happens
 *      between the two reads;
 *   6. read VmHWM: the peak of everything above.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/backend.h"
#include "bench/energy.h"
#include "bench/probe.h"
#include "frm/bench.h"
#include "frm/stats.h"
#include "stats/ties.h"
#include "util/error.h"

#define CI_LEVEL 0.95

static int interrupted(const frm_bench_options *opt)
{
    return opt->abandon && *opt->abandon;
}

static frm_code check_options(const frm_bench_options *o, frm_error *err)
{
    if (o->batch < 1)
        return frmi_fail(err, FRM_E_ARGUMENT, "batch must be at least 1 (got %lld)", (long long)o->batch);
    if (o->threads < 0)
        return frmi_fail(err, FRM_E_ARGUMENT, "threads must be 0 (all cores) or more (got %d)", o->threads);
    if ((unsigned)o->graph_opt > FRM_GRAPH_OPT_ALL)
        return frmi_fail(err, FRM_E_ARGUMENT, "unknown graph optimisation level %d", (int)o->graph_opt);
    if (o->warmup < 0)
        return frmi_fail(err, FRM_E_ARGUMENT, "warm-up runs must be 0 or more (got %d)", o->warmup);
    if (!(o->target_ci >= 0.0 && o->target_ci < 1.0))
        return frmi_fail(err, FRM_E_ARGUMENT, "target CI must be a fraction in [0, 1) (got %g)", o->target_ci);
    if (o->target_ci == 0.0 && o->runs < 1)
        return frmi_fail(err, FRM_E_ARGUMENT, "runs must be at least 1 (got %d)", o->runs);
    if (o->target_ci > 0.0 && (o->min_runs < 1 || o->max_runs < o->min_runs))
        return frmi_fail(err, FRM_E_ARGUMENT,
                         "adaptive runs need 1 <= min runs <= max runs (got %d and %d)",
                         o->min_runs, o->max_runs);
    if (!(o->max_time_s >= 0.0))
        return frmi_fail(err, FRM_E_ARGUMENT, "max time must be 0 (none) or positive");
    return FRM_OK;
}

/* True once the median's CI half-width is within `target` of the median.
 * `scratch` has room for n values. */
static int ci_narrow_enough(const double *samples, size_t n, double target, double *scratch)
{
    size_t j;
    frm_median_ci_rank(n, CI_LEVEL, &j);
    if (j == 0)
        return 0;
    memcpy(scratch, samples, n * sizeof *scratch);
    qsort(scratch, n, sizeof *scratch, frmi_ascending);
    double half = (scratch[n - j] - scratch[j - 1]) / 2.0;
    return half <= target * frm_quantile_sorted(scratch, n, 0.5);
}

static void open_energy(const char *provider, frmi_energy **meter, frm_measurement *m)
{
    frm_error e;
    frm_error_clear(&e);
    frm_code rc = strcmp(provider, "cuda") == 0 ? frmi_energy_nvml_open(0, meter, &e)
                                                : frmi_energy_rapl_open(NULL, meter, &e);
    if (rc != FRM_OK) {
        *meter = NULL;
        snprintf(m->energy_note, sizeof m->energy_note, "%s", e.message);
    }
}

typedef struct loop_state {
    double *samples;            /* in run order */
    double *scratch;            /* adaptive mode: a sorted copy */
    size_t n, cap;
} loop_state;

/* Room for one more sample; the arrays grow as runs are done, so a large
 * --max-runs costs nothing until it is used. */
static frm_code reserve(loop_state *L, int adaptive, frm_error *err)
{
    if (L->n < L->cap)
        return FRM_OK;
    size_t cap = L->cap ? L->cap * 2 : 256;
    double *s = realloc(L->samples, cap * sizeof *s);
    if (!s)
        return frmi_nomem(err);
    L->samples = s;
    if (adaptive) {
        double *t = realloc(L->scratch, cap * sizeof *t);
        if (!t)
            return frmi_nomem(err);
        L->scratch = t;
    }
    L->cap = cap;
    return FRM_OK;
}

/*
 * The adaptive check sorts the samples, so it runs after every run up to
 * 100 runs past --min-runs and then after every n/100 runs: the loop may
 * overshoot the point where the target was met by 1%, and the check costs
 * O(log n) per run instead of O(n log n).
 */
static size_t next_check(size_t n, size_t min_runs)
{
    size_t step = n > min_runs + 100 ? n / 100 : 1;
    return n + step;
}

static frm_code timed_loop(const frmi_backend *b, frmi_backend_state *s, const frm_bench_options *opt,
                           frmi_energy *meter, loop_state *L, frm_measurement *m, frm_error *err)
{
    int adaptive = opt->target_ci > 0.0;
    size_t limit = adaptive ? (size_t)opt->max_runs : (size_t)opt->runs;
    size_t min_runs = adaptive ? (size_t)opt->min_runs : limit;
    size_t check_at = min_runs;
    frm_code rc = FRM_OK;
    if (meter && frmi_energy_start(meter, err) != FRM_OK) {
        snprintf(m->energy_note, sizeof m->energy_note, "%s", err->message);
        frm_error_clear(err);
        frmi_energy_close(meter);
        meter = NULL;
    }
    double loop_start = frmi_now_ms();
    m->stop = adaptive ? FRM_STOP_MAX_RUNS : FRM_STOP_RUNS;
    while (L->n < limit) {
        if (interrupted(opt))
            rc = frmi_fail(err, FRM_E_INTERRUPTED, "interrupted");
        else
            rc = reserve(L, adaptive, err);
        if (rc != FRM_OK)
            break;
        double t0 = frmi_now_ms();
        rc = b->run(s, err);
        double t1 = frmi_now_ms();
        if (rc != FRM_OK)
            break;
        L->samples[L->n++] = t1 - t0;
        if (meter)
            frmi_energy_poll(meter, NULL);
        if (opt->progress)
            opt->progress(opt->progress_ctx, (int)L->n, (int)limit);
        if (!adaptive || L->n < min_runs)
            continue;
        if (L->n >= check_at) {
            if (ci_narrow_enough(L->samples, L->n, opt->target_ci, L->scratch)) {
                m->stop = FRM_STOP_TARGET_CI;
                break;
            }
            check_at = next_check(L->n, min_runs);
        }
        if (opt->max_time_s > 0.0 && t1 - loop_start >= opt->max_time_s * 1e3) {
            m->stop = FRM_STOP_MAX_TIME;
            break;
        }
    }
    if (meter) {
        double mj;
        frm_error e;
        if (rc == FRM_OK && frmi_energy_stop(meter, &mj, &e) == FRM_OK) {
            m->energy_mj = mj / (double)L->n;
            snprintf(m->energy_source, sizeof m->energy_source, "%s", frmi_energy_source(meter));
        } else if (rc == FRM_OK) {
            snprintf(m->energy_note, sizeof m->energy_note, "%s", e.message);
        }
        frmi_energy_close(meter);
    }
    return rc;
}

static frm_code summarise(const loop_state *L, frm_measurement *m, frm_error *err)
{
    frm_summary sum;
    if (frm_summarize(L->samples, L->n, CI_LEVEL, &sum) != FRM_OK)
        return frmi_nomem(err);
    frm_latency *lat = &m->latency_ms;
    lat->median = sum.median;
    lat->mean = sum.mean;
    lat->stdev = sum.stdev;
    lat->min = sum.min;
    lat->max = sum.max;
    lat->p90 = sum.p90;
    lat->p95 = sum.p95;
    lat->p99 = sum.p99;
    lat->n = (double)sum.n;
    lat->ci95_lo = sum.ci_lo;
    lat->ci95_hi = sum.ci_hi;
    return FRM_OK;
}

static frm_code measure(const frmi_backend *b, frmi_backend_state *s, const char *path,
                        const frm_bench_options *opt, frm_measurement *m, frm_error *err)
{
    frmi_memory_sample before, loaded, after;
    frm_code rc = frmi_memory_read(NULL, &before, err);
    if (rc != FRM_OK)
        return rc;
    frmi_memory_reset_peak();
    double t0 = frmi_now_ms();
    rc = b->open_model(s, path, err);
    if (rc != FRM_OK)
        return rc;
    m->latency_ms.init_ms = frmi_now_ms() - t0;
    if ((rc = frmi_memory_read(NULL, &loaded, err)) != FRM_OK)
        return rc;
    if ((rc = b->prepare(s, m->inputs, &m->n_inputs, err)) != FRM_OK)
        return rc;

    for (int i = 0; i < opt->warmup || i == 0; i++) {
        if (interrupted(opt))
            return frmi_fail(err, FRM_E_INTERRUPTED, "interrupted");
        double w0 = frmi_now_ms();
        rc = b->run(s, err);
        if (rc != FRM_OK)
            return rc;
        if (i == 0)
            m->latency_ms.first_run = frmi_now_ms() - w0;
    }
    /* With no warm-up asked for, the first run still happens untimed: it
     * allocates the outputs, which later runs reuse. */
    m->latency_ms.warmup = opt->warmup > 0 ? opt->warmup : 1;

    frmi_energy *meter = NULL;
    if (opt->energy)
        open_energy(m->provider, &meter, m);
    loop_state L = {0};
    rc = timed_loop(b, s, opt, meter, &L, m, err);
    if (rc == FRM_OK)
        rc = summarise(&L, m, err);
    free(L.samples);
    free(L.scratch);
    if (rc != FRM_OK)
        return rc;
    if ((rc = frmi_memory_read(NULL, &after, err)) != FRM_OK)
        return rc;
    m->rss_before = before.rss_mb;
    m->rss_after_load = loaded.rss_mb - before.rss_mb;
    m->hwm = after.hwm_mb;
    m->peak = after.hwm_mb - before.rss_mb;
    return FRM_OK;
}

frm_code frm_bench_measure(const char *path, const frm_bench_options *opt_in,
                           frm_measurement *out, frm_error *err)
{
    static const frm_bench_options defaults = FRM_BENCH_OPTIONS_INIT;
    const frm_bench_options *opt = opt_in ? opt_in : &defaults;
    if (!path || !out)
        return frmi_fail(err, FRM_E_ARGUMENT, "frm_bench_measure needs a model path and a result");
    frm_code rc = check_options(opt, err);
    if (rc != FRM_OK)
        return rc;

    frm_measurement *m = calloc(1, sizeof *m);
    if (!m)
        return frmi_nomem(err);
    frm_latency *lat = &m->latency_ms;
    lat->median = lat->mean = lat->stdev = lat->min = lat->max = NAN;
    lat->p90 = lat->p95 = lat->p99 = lat->n = lat->warmup = NAN;
    lat->ci95_lo = lat->ci95_hi = lat->first_run = lat->init_ms = lat->target_ci = NAN;
    m->energy_mj = NAN;
    m->graph_opt = opt->graph_opt;

    const frmi_backend *b = &frmi_backend_onnxruntime;
    frmi_backend_state *s = NULL;
    rc = b->open_runtime(opt, &s, err);
    if (rc == FRM_OK) {
        frmi_backend_info info;
        b->describe(s, &info);
        snprintf(m->framework, sizeof m->framework, "%s", info.framework);
        snprintf(m->framework_version, sizeof m->framework_version, "%s", info.version);
        snprintf(m->provider, sizeof m->provider, "%s", info.provider);
        m->threads = info.threads;
        rc = measure(b, s, path, opt, m, err);
    }
    b->close(s);
    if (rc == FRM_OK)
        *out = *m;
    free(m);
    return rc;
}
