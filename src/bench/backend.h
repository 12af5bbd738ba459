/*
 * bench/backend.h - what the measurement harness needs of an inference
 * runtime.
 *
 * The harness (bench/harness.c) owns the protocol: when memory is sampled,
 * what is timed, when to stop.  A backend only knows its runtime.  The
 * split of open_runtime and open_model lets the harness read the process's
 * RSS after the runtime's own start-up and before the model's session, so
 * that the model's memory excludes the runtime's fixed cost.
 *
 * One file per runtime (bench/backend_ort.c); a backend is a table of
 * functions over an opaque state.
 */
#ifndef FRM_BENCH_BACKEND_H
#define FRM_BENCH_BACKEND_H

#include "frm/bench.h"

typedef struct frmi_backend_state frmi_backend_state;

typedef struct frmi_backend_info {
    const char *framework;          /* "onnxruntime" */
    const char *version;            /* of the loaded library */
    const char *provider;           /* "cpu", "cuda" */
    int threads;
} frmi_backend_info;

typedef struct frmi_backend {
    const char *name;
    /* Starts the runtime and checks `opt` against what it offers.  `*out`,
     * even when the call fails, is owned by the caller (close).  `opt` is
     * borrowed until close. */
    frm_code (*open_runtime)(const frm_bench_options *opt, frmi_backend_state **out,
                             frm_error *err);
    /* Creates the session for the model at `path`. */
    frm_code (*open_model)(frmi_backend_state *s, const char *path, frm_error *err);
    /* Resolves input shapes (symbolic dims from opt->batch and opt->inputs),
     * fills seeded random inputs and binds inputs and outputs once, so the
     * runs that follow allocate nothing. */
    frm_code (*prepare)(frmi_backend_state *s, frm_bench_input *inputs, size_t *n_inputs,
                        frm_error *err);
    /* One inference, returning when its outputs are ready. */
    frm_code (*run)(frmi_backend_state *s, frm_error *err);
    void (*describe)(const frmi_backend_state *s, frmi_backend_info *out);
    /* NULL is a no-op. */
    void (*close)(frmi_backend_state *s);
} frmi_backend;

extern const frmi_backend frmi_backend_onnxruntime;

#endif
