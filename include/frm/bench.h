/*
 * frm/bench.h - measuring a model on this machine (docs/bench.md).
 *
 * frm_bench_measure runs one ONNX model through an inference runtime
 * (ONNX Runtime's C API) in the calling process: it creates a session,
 * binds seeded random inputs and preallocated outputs once, runs `warmup`
 * untimed inferences and then the timed ones, reading CLOCK_MONOTONIC
 * around each run call only.  It reports latency statistics, the process's
 * memory around session creation and the energy counters when readable.
 *
 * Peak memory is a process-wide figure (VmHWM never goes down), so a
 * measurement is only the model's own in a fresh process: `frm bench`
 * runs each model in a newly exec'd worker for that reason.
 */
#ifndef FRM_BENCH_H
#define FRM_BENCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"
#include "frm/host.h"
#include "frm/profile.h"
#include "frm/record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum frm_graph_opt {
    FRM_GRAPH_OPT_DISABLE = 0,
    FRM_GRAPH_OPT_BASIC,
    FRM_GRAPH_OPT_EXTENDED,
    FRM_GRAPH_OPT_ALL
} frm_graph_opt;

/* "disable", "basic", "extended", "all". */
const char *frm_graph_opt_name(frm_graph_opt level);
/* FRM_E_ARGUMENT for any other name. */
frm_code frm_graph_opt_parse(const char *name, frm_graph_opt *out, frm_error *err);

/* Why the timed loop ended. */
typedef enum frm_stop {
    FRM_STOP_RUNS = 0,          /* the fixed number of runs was done */
    FRM_STOP_TARGET_CI,         /* adaptive: the median's CI is narrow enough */
    FRM_STOP_MAX_RUNS,          /* adaptive: max_runs reached first */
    FRM_STOP_MAX_TIME           /* adaptive: max_time_s reached first */
} frm_stop;

/* "runs", "target-ci", "max-runs", "max-time". */
const char *frm_stop_name(frm_stop stop);

/* Called after each timed run with the runs done so far and the planned
 * total (max_runs in adaptive mode). */
typedef void (*frm_progress_fn)(void *ctx, int done, int total);

typedef struct frm_bench_options {
    const char *provider;       /* "cpu" or "cuda"; NULL means "cpu" */
    int threads;                /* intra-op threads; 0: every online core */
    frm_graph_opt graph_opt;
    int64_t batch;              /* value of symbolic input dims; >= 1 */
    const frm_input_shape *inputs;  /* shape overrides, `n_inputs` of them */
    size_t n_inputs;
    uint64_t seed;              /* of the random input data */
    int warmup;                 /* untimed runs before the timed ones */
    int runs;                   /* timed runs when target_ci is 0 */
    double target_ci;           /* adaptive mode when > 0: stop once the
                                   median's 95% CI half-width is within this
                                   fraction of the median */
    int min_runs, max_runs;     /* adaptive bounds */
    double max_time_s;          /* adaptive: bound on the timed loop; 0 none */
    int energy;                 /* read RAPL (cpu) or NVML (cuda) counters */
    frm_progress_fn progress;   /* may be NULL */
    void *progress_ctx;
    /* When it becomes nonzero (a signal handler sets it), the measurement
     * stops and returns FRM_E_INTERRUPTED.  May be NULL. */
    volatile sig_atomic_t *abandon;
} frm_bench_options;

#define FRM_BENCH_OPTIONS_INIT \
    { NULL, 0, FRM_GRAPH_OPT_ALL, 1, NULL, 0, 0, 10, 100, 0.0, 10, 1000, 0.0, 1, NULL, NULL, NULL }

/* A model input as it was fed. */
typedef struct frm_bench_input {
    char name[256];
    int elem_type;              /* ONNX TensorProto.DataType */
    size_t rank;
    int64_t dims[FRM_PROFILE_MAX_RANK];
} frm_bench_input;

#define FRM_BENCH_MAX_INPUTS 16

typedef struct frm_measurement {
    char framework[32];         /* "onnxruntime" */
    char framework_version[64]; /* as the loaded library reports it */
    char provider[32];          /* "cpu" or "cuda" */
    int threads;                /* intra-op threads used */
    frm_graph_opt graph_opt;
    size_t n_inputs;
    frm_bench_input inputs[FRM_BENCH_MAX_INPUTS];
    frm_latency latency_ms;     /* every field; n, warmup as counts */
    frm_stop stop;
    /* Memory, in MB (10^6 bytes), of this process: */
    double rss_before;          /* RSS just before session creation */
    double rss_after_load;      /* RSS after session creation, less rss_before */
    double hwm;                 /* VmHWM after the timed loop */
    double peak;                /* hwm - rss_before: what the model needed */
    double energy_mj;           /* per inference; NaN when not measured */
    char energy_source[16];     /* "rapl", "nvml", or "" */
    char energy_note[FRM_ERROR_SIZE]; /* why energy_mj is NaN, when asked for */
} frm_measurement;

/*
 * Measures the ONNX model at `path` in this process.  `opt` may be NULL for
 * the defaults.  FRM_E_ARGUMENT for bad options (an unknown provider, or
 * "cuda" when the loaded ONNX Runtime does not offer it, with the list it
 * does offer), FRM_E_RUNTIME when the runtime fails to load or run the
 * model, FRM_E_INTERRUPTED when opt->abandon was raised, FRM_E_NOMEM.
 * `*out` is filled only on FRM_OK.
 */
frm_code frm_bench_measure(const char *path, const frm_bench_options *opt,
                           frm_measurement *out, frm_error *err);

/* --- Naming configurations ---------------------------------------------- */

/*
 * A device name fit for config ids and file names: lowercase ASCII letters,
 * digits and single '-', with vendor noise ("(R)", "(TM)", "CPU", "@",
 * "with Radeon Graphics", "Processor") dropped: "Intel(R) Xeon(R) CPU
 * E5-2680 v4 @ 2.40GHz" -> "intel-xeon-e5-2680-v4-2-40ghz".  An empty
 * result becomes "unknown".  Writes at most `size` bytes, NUL included.
 */
void frm_device_slug(const char *name, char *out, size_t size);

/*
 * The intra-op threads a request for `requested` runs with: itself when
 * positive, else (0, frm's default) every online core (1 when that cannot
 * be read).  The one rule config ids, records and the runtime share.
 */
int frm_threads_resolved(int requested);

/* What a configuration is made of; every member is required. */
typedef struct frm_config_desc {
    const char *device;
    const char *framework;
    const char *framework_version;
    const char *provider;
    int threads;
    const char *graph_opt;
    const char *precision;      /* "fp32", "fp16", "int8", ... */
    int64_t batch;
} frm_config_desc;

/*
 * The canonical config_id: the members joined by '/' in a fixed order,
 * "DEVICE/FRAMEWORK-VERSION/PROVIDER/threads-N/opt-LEVEL/PRECISION/batch-B",
 * e.g. "intel-xeon-2-20ghz/onnxruntime-1.29.0/cpu/threads-2/opt-all/fp32/batch-1".
 * FRM_E_ARGUMENT when a member is missing or the result does not fit.
 */
frm_code frm_config_id(const frm_config_desc *d, char *out, size_t size, frm_error *err);

/* --- Accuracy tables ------------------------------------------------------ */

typedef struct frm_accuracy frm_accuracy;

/*
 * Reads a CSV of `model,top1` (a header row is recognised by a top1 that
 * is not a number).  A file whose every top1 is within [0, 1] holds
 * fractions; one with any value above 1 holds percentages, all divided by
 * 100.  Errors name "file:line": a missing column, a value that is not a
 * number or is outside [0, 100], a model listed twice.  `*out` is owned by
 * the caller (frm_accuracy_free).
 */
frm_code frm_accuracy_load(const char *path, frm_accuracy **out, frm_error *err);

/* Top-1 of `model` as a fraction, or NaN when the table does not list it. */
double frm_accuracy_top1(const frm_accuracy *acc, const char *model);

/* True when the file was read as percentages. */
int frm_accuracy_is_percent(const frm_accuracy *acc);

void frm_accuracy_free(frm_accuracy *acc);

/* --- Records --------------------------------------------------------------- */

/* Everything about one model's benchmark that goes into its record. */
typedef struct frm_bench_outcome {
    const char *model;              /* record's model name */
    const char *model_sha256;       /* may be NULL */
    const frm_profile *profile;     /* may be NULL: counts are then absent */
    const frm_measurement *m;       /* NULL for an error record */
    const char *error;              /* the reason, when m is NULL */
    const frm_bench_options *opt;   /* the options it was (to be) run with */
    const char *device;             /* the record's device (see frm_device_slug) */
    frm_tier tier;                  /* UNKNOWN: gpu for cuda, cpu otherwise */
    const frm_host *host;
    double accuracy_top1;           /* fraction or NaN */
    const char *framework_version;  /* for error records, which have no m */
} frm_bench_outcome;

/*
 * Builds the record of `o` and appends it to `out` as one line
 * (frm_record_append), then flushes and, for a regular file, fsyncs it, so
 * that a crash or power loss after the call keeps the record.  Borrows
 * everything.
 */
frm_code frm_bench_record_append(FILE *out, const frm_bench_outcome *o, frm_error *err);

#ifdef __cplusplus
}
#endif

#endif
