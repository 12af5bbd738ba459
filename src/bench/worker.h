/*
 * bench/worker.h - measuring a model in a freshly exec'd process, and the
 * line protocol between that worker and its parent.
 *
 * A process's peak RSS never goes down and survives fork, so a model's own
 * peak is only visible in a new process image.  The parent starts the
 * worker with a pipe on file descriptor FRMI_WORKER_FD; the worker writes
 * whole lines to it:
 *
 *   progress DONE TOTAL      after each timed run
 *   result {JSON}            the measurement, once, at the end
 *   error MESSAGE            why it failed, instead of a result
 *
 * Anything else the worker prints goes to the parent's standard error.
 */
#ifndef FRM_BENCH_WORKER_H
#define FRM_BENCH_WORKER_H

#include <signal.h>

#include "frm/bench.h"
#include "util/jsonw.h"

#define FRMI_WORKER_FD 3

typedef struct frmi_worker_watch {
    double timeout_s;                    /* kill the worker after this; 0: never */
    volatile sig_atomic_t *abandon;      /* nonzero: kill the worker now */
    frm_progress_fn progress;            /* fed from "progress" lines; may be NULL */
    void *progress_ctx;
} frmi_worker_watch;

typedef struct frmi_worker_result {
    int exit_code;                       /* when it exited; -1 otherwise */
    int signal;                          /* the signal that ended it; 0 otherwise */
    int timed_out, abandoned;            /* frm killed it, and why */
    char *result;                        /* the "result" line's JSON, or NULL; owned */
    char *error;                         /* the "error" line's message, or NULL; owned */
} frmi_worker_result;

/*
 * Runs `argv` (argv[0] an executable path) as a worker in its own process
 * group, killed if frm itself dies, with standard output sent to standard
 * error so nothing it prints can mix with records on frm's output.  Waits
 * for it to end, be timed out or be abandoned.  FRM_OK means the worker
 * was started and reaped, whatever its outcome (see `out`, which the
 * caller releases with frmi_worker_result_release); FRM_E_IO when it
 * could not be started.
 */
frm_code frmi_worker_run(char *const argv[], const frmi_worker_watch *watch,
                         frmi_worker_result *out, frm_error *err);

void frmi_worker_result_release(frmi_worker_result *r);

/* The worker's side: writes `line` and a newline to FRMI_WORKER_FD in one call. */
void frmi_worker_send(const char *kind, const char *text);

/* The "result" JSON of a measurement, and back. */
void frmi_measurement_to_json(frmi_buf *out, const frm_measurement *m);
frm_code frmi_measurement_from_json(const char *json, frm_measurement *out, frm_error *err);

#endif
