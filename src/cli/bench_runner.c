/*
 * cli/bench_runner.c - measuring a list of models, one record each, for
 * `frm bench` and `frm run`.
 *
 * Each model is profiled and hashed here, in the parent, and measured in a
 * worker: this same program re-executed as `frm bench --worker`, so that
 * the worker's peak RSS is the model's own.  Whatever happens to a worker,
 * the parent writes a record and goes on with the next model.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/probe.h"
#include "bench/worker.h"
#include "cli/cli.h"
#include "util/sha256.h"

static volatile sig_atomic_t interrupts;   /* Ctrl-C presses so far (SIGTERM counts as two) */
static volatile sig_atomic_t abandon_now;  /* the current model too */
static int energy_notice_shown;

static void on_signal(int sig)
{
    static const char once[] = "\nfrm: interrupted: finishing the current model; Ctrl-C again to abandon it\n";
    static const char twice[] = "\nfrm: interrupted: abandoning the current model\n";
    ssize_t ignored;
    /* SIGTERM ends the run now: the current model is abandoned, no other is started */
    if (sig == SIGTERM)
        interrupts = 2;
    else
        interrupts++;
    if (interrupts > 1) {
        abandon_now = 1;
        ignored = write(STDERR_FILENO, twice, sizeof twice - 1);
    } else {
        ignored = write(STDERR_FILENO, once, sizeof once - 1);
    }
    (void)ignored;
}

void cli_bench_plan_init(cli_bench_plan *p)
{
    static const frm_bench_options defaults = FRM_BENCH_OPTIONS_INIT;
    memset(p, 0, sizeof *p);
    p->opt = defaults;
    p->opt.inputs = p->inputs;
    p->isolate = 1;
}

/* --- Progress on a terminal --------------------------------------------- */

typedef struct progress {
    int tty;
    size_t index, n;
    const char *model, *label;
    double loop_start;
} progress;

static void show_progress(void *ctx, int done, int total)
{
    progress *p = ctx;
    if (!p->tty)
        return;
    if (done <= 1)
        p->loop_start = frmi_now_ms();
    double per_run = done > 1 ? (frmi_now_ms() - p->loop_start) / (done - 1) : 0;
    double eta_s = per_run * (total - done) / 1e3;
    fprintf(stderr, "\r\033[K[%zu/%zu] %s%s%s: run %d/%d, ETA %d:%02d", p->index + 1, p->n,
            p->label ? p->label : "", p->label ? " " : "", p->model, done, total,
            (int)eta_s / 60, (int)eta_s % 60);
}

static void clear_progress(const progress *p)
{
    if (p->tty)
        fputs("\r\033[K", stderr);
}

/* --- One model ------------------------------------------------------------- */

static void model_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".onnx") == 0)
        n -= 5;
    if (n >= size)
        n = size - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

typedef struct argv_builder {
    char *items[64];
    char storage[64][320];
    int n;
} argv_builder;

static void add_arg(argv_builder *b, const char *value)
{
    snprintf(b->storage[b->n], sizeof b->storage[b->n], "%s", value);
    b->items[b->n] = b->storage[b->n];
    b->n++;
}

static void add_num(argv_builder *b, const char *opt, double v)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", v);
    add_arg(b, opt);
    add_arg(b, text);
}

/* The worker gets every option that changes the measurement, explicitly. */
static void worker_argv(const cli_bench_plan *plan, const char *path, argv_builder *b)
{
    const frm_bench_options *o = &plan->opt;
    b->n = 0;
    add_arg(b, "/proc/self/exe");
    add_arg(b, "bench");
    add_arg(b, "--worker");
    add_arg(b, "--provider");
    add_arg(b, o->provider ? o->provider : "cpu");
    add_num(b, "--threads", o->threads);
    add_arg(b, "--opt");
    add_arg(b, frm_graph_opt_name(o->graph_opt));
    add_num(b, "--batch", (double)o->batch);
    add_num(b, "--seed", (double)o->seed);
    add_num(b, "--warmup", o->warmup);
    if (o->target_ci == 0) {
        add_num(b, "--runs", o->runs);
    } else {
        add_num(b, "--target-ci", o->target_ci * 100.0);
        add_num(b, "--min-runs", o->min_runs);
        add_num(b, "--max-runs", o->max_runs);
        add_num(b, "--max-time", o->max_time_s);
    }
    if (!o->energy)
        add_arg(b, "--no-energy");
    for (size_t i = 0; i < o->n_inputs && b->n < 60; i++) {
        char shape[300];
        int len = snprintf(shape, sizeof shape, "%s=", o->inputs[i].name);
        for (size_t d = 0; d < o->inputs[i].rank && len < (int)sizeof shape - 24; d++)
            len += snprintf(shape + len, sizeof shape - (size_t)len, "%s%lld", d ? "x" : "",
                            (long long)o->inputs[i].dims[d]);
        add_arg(b, "--input");
        add_arg(b, shape);
    }
    add_arg(b, "--");
    add_arg(b, path);
    b->items[b->n] = NULL;
}

/* Runs the worker; on failure writes the reason into `why`. */
static int measure_isolated(const cli_bench_plan *plan, const char *path, progress *prog,
                            frm_measurement *m, char *why, size_t why_size)
{
    argv_builder *b = malloc(sizeof *b);
    if (!b) {
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    worker_argv(plan, path, b);
    frmi_worker_watch watch = {plan->timeout_s, &abandon_now, show_progress, prog};
    frmi_worker_result r;
    frm_error err;
    frm_code rc = frmi_worker_run(b->items, &watch, &r, &err);
    free(b);
    if (rc != FRM_OK) {
        snprintf(why, why_size, "%s", err.message);
        return -1;
    }
    int ok = 0;
    if (r.abandoned)
        snprintf(why, why_size, "interrupted: the measurement was abandoned");
    else if (r.timed_out)
        snprintf(why, why_size, "timed out after %g s (--timeout)", plan->timeout_s);
    else if (r.signal)
        snprintf(why, why_size, "the worker process was killed by signal %d (%s)%s%s", r.signal,
                 strsignal(r.signal), r.error ? ": " : "", r.error ? r.error : "");
    else if (r.error)
        snprintf(why, why_size, "%s", r.error);
    else if (r.exit_code != 0 || !r.result)
        snprintf(why, why_size, "the worker process exited with status %d without a result", r.exit_code);
    else if (frmi_measurement_from_json(r.result, m, &err) != FRM_OK)
        snprintf(why, why_size, "%s", err.message);
    else
        ok = 1;
    frmi_worker_result_release(&r);
    return ok ? 0 : -1;
}

static int measure_here(const cli_bench_plan *plan, const char *path, progress *prog,
                        frm_measurement *m, char *why, size_t why_size)
{
    frm_bench_options o = plan->opt;
    o.progress = show_progress;
    o.progress_ctx = prog;
    o.abandon = &abandon_now;
    frm_error err;
    if (frm_bench_measure(path, &o, m, &err) != FRM_OK) {
        snprintf(why, why_size, "%s", err.message);
        return -1;
    }
    return 0;
}

static void energy_notice(const cli_bench_plan *plan, const frm_measurement *m)
{
    if (energy_notice_shown || !plan->opt.energy || !isnan(m->energy_mj) || !m->energy_note[0])
        return;
    energy_notice_shown = 1;
    fprintf(stderr, "frm: notice: energy not measured (energy_mj is null): %s\n", m->energy_note);
}

static int add_row(cli_bench_report *rep, const char *model, const frm_measurement *m,
                   const frm_profile *p)
{
    cli_bench_row *rows = realloc(rep->rows, (rep->n_rows + 1) * sizeof *rows);
    if (!rows)
        return -1;
    rep->rows = rows;
    cli_bench_row *r = &rows[rep->n_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->model, sizeof r->model, "%s", model);
    r->ok = m != NULL;
    r->median = m ? m->latency_ms.median : NAN;
    r->ci_lo = m ? m->latency_ms.ci95_lo : NAN;
    r->ci_hi = m ? m->latency_ms.ci95_hi : NAN;
    r->peak = m ? m->peak : NAN;
    r->macs = p ? (double)p->macs : NAN;
    if (m)
        rep->inference_ms += m->latency_ms.mean * m->latency_ms.n;
    else
        rep->n_failed++;
    return 0;
}

typedef struct run_context {
    const cli_bench_plan *plan;
    const frm_host *host;
    const char *device;
    const char *runtime_version;
    FILE *out;
    cli_bench_report *rep;
} run_context;

static int bench_one(const run_context *c, const char *path, progress *prog)
{
    const cli_bench_plan *plan = c->plan;
    char model[128], why[FRM_ERROR_SIZE + 64] = "", sha[65] = "";
    model_name(path, model, sizeof model);
    prog->model = model;

    frm_profile_options popt = FRM_PROFILE_OPTIONS_INIT;
    popt.batch = plan->opt.batch;
    popt.batch_given = plan->batch_given;
    popt.inputs = plan->opt.inputs;
    popt.n_inputs = plan->opt.n_inputs;
    frm_profile *profile = NULL;
    frm_error err;
    frm_measurement m;
    int ok = 0;
    /* what runs, and is recorded, is the model's batch: a fixed one, or --batch for a symbolic one */
    cli_bench_plan run = *plan;
    if (frm_profile_file(path, &popt, &profile, &err) != FRM_OK)
        snprintf(why, sizeof why, "cannot count the model's operations: %s", err.message);
    else if (frmi_file_sha256(path, sha, &err) != FRM_OK)
        snprintf(why, sizeof why, "%s", err.message);
    else {
        run.opt.batch = profile->batch;
        ok = (run.isolate ? measure_isolated : measure_here)(&run, path, prog, &m, why, sizeof why) == 0;
    }
    clear_progress(prog);
    if (ok)
        energy_notice(plan, &m);
    else
        cli_error("%s: %s", model, why);

    frm_bench_outcome o = {
        .model = model,
        .model_sha256 = sha[0] ? sha : NULL,
        .profile = profile,
        .m = ok ? &m : NULL,
        .error = ok ? NULL : why,
        .opt = &run.opt,
        .device = c->device,
        .tier = plan->tier,
        .host = c->host,
        .accuracy_top1 = frm_accuracy_top1(plan->accuracy, model),
        .framework_version = c->runtime_version,
    };
    int status = 0;
    if (frm_bench_record_append(c->out, &o, &err) != FRM_OK) {
        cli_error("%s: the record could not be written: %s", model, err.message);
        c->rep->write_failed = 1;
        status = -1;
    } else if (add_row(c->rep, model, o.m, profile) != 0) {
        cli_error("out of memory");
        status = -1;
    }
    frm_profile_free(profile);
    return status;
}

int cli_bench_models(const cli_bench_plan *plan, char *const *models, size_t n_models, FILE *out,
                     cli_bench_report *rep)
{
    memset(rep, 0, sizeof *rep);
    frm_host host;
    frm_host_probe(&host);
    char device[128];
    if (plan->device)
        snprintf(device, sizeof device, "%s", plan->device);
    else if (plan->opt.provider && strcmp(plan->opt.provider, "cuda") == 0)
        snprintf(device, sizeof device, "cuda-device-0");
    else
        frm_device_slug(host.cpu_model, device, sizeof device);
    frm_runtime rt;
    frm_error err;
    if (frm_runtime_probe(&rt, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    if (plan->opt.provider && strcmp(plan->opt.provider, "cuda") == 0) {
        size_t i = 0;
        while (i < rt.n_providers && strcmp(rt.providers[i], "CUDAExecutionProvider") != 0)
            i++;
        if (i == rt.n_providers) {
            cli_error("--provider cuda: the loaded ONNX Runtime %s has no CUDA execution provider "
                      "('frm info' lists what it has); build frm against a GPU build of ONNX Runtime "
                      "with FRM_ORT_ROOT", rt.version);
            frm_runtime_release(&rt);
            return CLI_FAILURE;
        }
    }
    if (!plan->isolate)
        cli_warning("--no-isolate: every model is measured in this process, so peak memory "
                    "includes what earlier models left behind");

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    interrupts = 0;
    abandon_now = 0;

    run_context c = {plan, &host, device, rt.version, out, rep};
    progress prog = {isatty(STDERR_FILENO), 0, n_models, NULL, plan->label, 0};
    int status = CLI_OK;
    for (size_t i = 0; i < n_models; i++) {
        if (interrupts) {
            rep->interrupted = 1;
            cli_error("interrupted: %zu model%s not measured", n_models - i, n_models - i == 1 ? "" : "s");
            break;
        }
        prog.index = i;
        if (prog.tty)
            fprintf(stderr, "[%zu/%zu] %s%s%s: loading", i + 1, n_models, plan->label ? plan->label : "",
                    plan->label ? " " : "", models[i]);
        if (bench_one(&c, models[i], &prog) != 0) {
            status = CLI_FAILURE;
            break;
        }
    }
    rep->interrupted |= interrupts > 0;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    frm_runtime_release(&rt);
    if (rep->n_failed || rep->interrupted)
        status = CLI_FAILURE;
    return status;
}

void cli_bench_report_release(cli_bench_report *rep)
{
    free(rep->rows);
    rep->rows = NULL;
    rep->n_rows = 0;
}

void cli_bench_print_summary(FILE *f, const cli_bench_report *rep)
{
    fprintf(f, "%-22s %11s  %-25s %9s %9s\n", "model", "median ms", "95% CI of median", "peak MB", "GMACs");
    for (size_t i = 0; i < rep->n_rows; i++) {
        const cli_bench_row *r = &rep->rows[i];
        if (!r->ok) {
            fprintf(f, "%-22s %11s  %-25s %9s %9s\n", r->model, "failed", "", "", "");
            continue;
        }
        char ci[64];
        snprintf(ci, sizeof ci, "[%.3f, %.3f]", r->ci_lo, r->ci_hi);
        fprintf(f, "%-22s %11.3f  %-25s %9.1f %9.3f\n", r->model, r->median, ci, r->peak, r->macs / 1e9);
    }
}
