/*
 * tests/testutil.h - helpers shared by the test programs (cmocka).
 */
#ifndef FRM_TESTUTIL_H
#define FRM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frm/frm.h"

/* A fresh empty folder, removed with everything in it at exit. */
const char *tu_tmpdir(void);

/* Writes `content` to tu_tmpdir()/name and returns the path (valid until exit). */
const char *tu_write(const char *name, const char *content);

/* Reads a whole file; the caller frees.  NULL when it cannot be read. */
char *tu_read(const char *path);

/* What a run of the frm tool produced. */
typedef struct tu_run {
    int status;                /* exit status, or 128 + signal */
    char *out, *err;           /* all of stdout and stderr, NUL-terminated */
} tu_run;

/*
 * Runs the frm binary with the NULL-terminated arguments, feeding `input`
 * (may be NULL) to its standard input.  `stdout_path`, when not NULL,
 * receives stdout instead of the capture (e.g. "/dev/full").
 */
tu_run tu_frm(const char *input, const char *stdout_path, ...);
void tu_run_free(tu_run *r);

/* Asserts that `haystack` contains `needle`, printing both when not. */
#define assert_contains(haystack, needle) tu_assert_contains((haystack), (needle), __FILE__, __LINE__)
void tu_assert_contains(const char *haystack, const char *needle, const char *file, int line);

/* Exactly equal doubles, where NaN equals NaN (both mean "absent"). */
#define assert_same(a, b) tu_assert_same((a), (b), #a, __FILE__, __LINE__)
void tu_assert_same(double a, double b, const char *what, const char *file, int line);

/* Collects the messages of a frm_diag_fn callback: pass tu_collect and a tu_diags. */
typedef struct tu_diags {
    int n;
    char message[8][FRM_ERROR_SIZE];
} tu_diags;
void tu_collect(void *ctx, const frm_error *e);

/* Asserts |actual - expected| <= rel * |expected|. */
#define assert_close(actual, expected, rel) tu_assert_close((actual), (expected), (rel), __FILE__, __LINE__)
void tu_assert_close(double actual, double expected, double rel, const char *file, int line);

/*
 * One record line (with "\n") of schema v1 with the fields the metric
 * uses.  Pass NaN for energy or accuracy to leave them null, batch 1 for
 * none.  Returns a static buffer overwritten by the next call.
 */
const char *tu_line(const char *config_id, const char *device, const char *tier,
                    const char *model, double latency_ms, double batch, double memory_mb,
                    double macs, double energy_mj, double accuracy);

/*
 * Runs argv[0] (looked up in PATH) with stdout and stderr to `out_path`
 * (or /dev/null when NULL).  Returns the exit status, 127 when it could
 * not be started, 128 + signal when killed.
 */
int tu_run_to(const char *const *argv, const char *out_path);

/* True when the loaded ONNX Runtime offers execution provider `name`
 * ("CUDAExecutionProvider"). */
int tu_runtime_offers(const char *name);

/* A Python that can import onnx ($FRM_PYTHON, python3, /usr/bin/python3),
 * or NULL. */
const char *tu_onnx_python(void);

#endif
