/*
 * frm/record.h - benchmark records (schema "frm.record/1") and datasets.
 *
 * A record is one measurement of one model in one configuration, stored as
 * one line of JSON (JSON Lines).  docs/record-format.md documents every
 * field.  This header offers three things:
 *
 *   frm_record   the full record, as read from or written to a line;
 *   frm_reader   a streaming reader over one file or standard input;
 *   frm_dataset  the compact, in-memory table of many files that the metric
 *                and the analyses work on.
 *
 * Numbers that are absent (or JSON null) are NaN in C.  Ownership is stated
 * per function; "borrowed" pointers stay valid for the time stated there.
 */
#ifndef FRM_RECORD_H
#define FRM_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FRM_RECORD_SCHEMA "frm.record/1"

typedef enum frm_tier {
    FRM_TIER_UNKNOWN = 0,
    FRM_TIER_GPU,
    FRM_TIER_CPU,
    FRM_TIER_EDGE
} frm_tier;

/* "gpu", "cpu", "edge", or "unknown". */
const char *frm_tier_name(frm_tier tier);
/* FRM_TIER_UNKNOWN when name is none of "gpu", "cpu", "edge". */
frm_tier frm_tier_parse(const char *name);

typedef struct frm_latency {
    double median, mean, stdev, min, max, p90, p95, p99;
    double n, warmup;
    double ci95_lo, ci95_hi;   /* "ci95_median": [lo, hi] */
    double first_run, init_ms;
    double target_ci;          /* adaptive mode's target, a fraction; NaN otherwise */
    const char *stop;          /* why the timed loop ended ("runs", "target-ci",
                                  "max-runs", "max-time"); NULL when absent */
} frm_latency;

typedef struct frm_memory {
    double peak;               /* what FRM uses */
    double peak_lower;         /* a source that reports a range: its lower bound (peak is the upper) */
    double rss_peak_delta, rss_after_load, weights, activations_peak;
    const char *source;        /* "measured" | "estimated:<how>" | NULL */
} frm_memory;

/*
 * One record.  String members may be NULL when absent.  `config_json` and
 * `host_json` hold the "config" and "host" objects as compact JSON text
 * (keys sorted), so that fields frm does not interpret survive a round
 * trip.  `batch` is config.batch (1 when absent).
 */
typedef struct frm_record {
    bool ok;                   /* status "ok"; false for "error" */
    const char *error;         /* the reason, for status "error" */
    const char *model;
    const char *model_sha256;
    const char *device;
    frm_tier tier;
    const char *framework;
    const char *framework_version;
    const char *config_json;
    const char *config_id;
    double batch;
    frm_latency latency_ms;
    frm_memory memory_mb;
    double energy_mj;
    const char *energy_source; /* "rapl", "nvml", ...; NULL when absent */
    double macs, flops, params, weights_bytes, activations_peak_bytes;
    double accuracy_top1;      /* fraction in [0, 1] */
    const char *host_json;
    const char *source;
    const char *frm_version;
    const char *timestamp;
} frm_record;

/* Sets every number to NaN (batch to 1), every string to NULL, ok to true. */
void frm_record_init(frm_record *rec);

/*
 * Appends `rec` to `out` as one complete line of JSON and flushes it.  The
 * line is built in memory first and written with a single call, so a
 * reader never sees half a record; on a regular file a write that fails
 * part way (a full disk) is cut back off, so the file still ends with a
 * complete record.  NaN numbers are left out (energy_mj and accuracy_top1
 * are written as null).  Borrows everything.
 */
frm_code frm_record_append(FILE *out, const frm_record *rec, frm_error *err);

/* --- Streaming reader ---------------------------------------------------- */

typedef struct frm_reader frm_reader;

/*
 * Opens `path` for reading ("-" is standard input, not closed by
 * frm_reader_close).  `*out` is owned by the caller: frm_reader_close it.
 */
frm_code frm_reader_open(frm_reader **out, const char *path, frm_error *err);

/*
 * Reads the next record.  On FRM_OK, `*rec` points to a record owned by the
 * reader and valid until the next call or frm_reader_close; at the end of
 * the input `*rec` is NULL.  A malformed line returns FRM_E_SYNTAX or
 * FRM_E_FIELD with "file:line: ..." in `err`; the reader stays usable and
 * the next call continues after that line.  FRM_E_IO ends the input.
 *
 * Blank lines, CRLF line ends, a UTF-8 byte-order mark and several JSON
 * objects on one line (files concatenated without a final newline) are
 * accepted.  Lines are read one at a time: memory use does not grow with
 * the file.
 */
frm_code frm_reader_next(frm_reader *r, const frm_record **rec, frm_error *err);

/* Line number of the record last returned (1-based). */
uint64_t frm_reader_line(const frm_reader *r);

/* Frees the reader and everything it returned; NULL is a no-op. */
void frm_reader_close(frm_reader *r);

/* --- Datasets ------------------------------------------------------------ */

/*
 * What a dataset keeps of an "ok" record.  Names point into the dataset's
 * string pool and stay valid until frm_dataset_free.  `latency_ms` is the
 * median per call as recorded; per-sample latency is latency_ms / batch.
 */
typedef struct frm_entry {
    const char *model;
    const char *config_id;
    uint32_t model_id;         /* dense ids: 0 .. frm_dataset_n_models - 1 */
    uint32_t config_index;     /* 0 .. frm_dataset_n_configs - 1 */
    double latency_ms, batch, memory_mb, energy_mj;
    double macs, flops, params, accuracy_top1;
    uint32_t file_index;       /* see frm_dataset_file */
    uint64_t line;
} frm_entry;

/* A configuration: every record with one config_id. */
typedef struct frm_config {
    const char *config_id;
    const char *device;
    const char *framework;
    frm_tier tier;
} frm_config;

typedef enum frm_dedupe {
    FRM_DEDUPE_ERROR = 0,      /* a second record for (config_id, model) is an error */
    FRM_DEDUPE_FIRST,          /* keep the first, ignore later ones */
    FRM_DEDUPE_LAST            /* the later one replaces the earlier */
} frm_dedupe;

/* Called once per rejected line or record; `e` is valid during the call. */
typedef void (*frm_diag_fn)(void *ctx, const frm_error *e);

typedef struct frm_dataset frm_dataset;

/* Creates an empty dataset; `*out` is owned by the caller (frm_dataset_free). */
frm_code frm_dataset_new(frm_dataset **out, frm_dedupe dedupe, frm_error *err);

/*
 * Reads every record of `path` ("-" for standard input) into `ds`.  Good
 * records are kept even when others are rejected: each rejected line is
 * passed to `diag` (may be NULL) and counted, and the call then returns
 * FRM_E_FIELD, FRM_E_SYNTAX, FRM_E_DUPLICATE or FRM_E_CONFLICT (the first
 * kind met) with a summary in `err`.  FRM_E_IO means the file could not be
 * opened or read.  "error" records are counted, not kept.  Records of one
 * config_id that disagree on device, framework or tier are settled at the
 * end of the call: the side most of the configuration's records take (the
 * first seen on a tie) is kept, the others are rejected as FRM_E_CONFLICT,
 * so one odd record costs itself, not its configuration.
 */
frm_code frm_dataset_load(frm_dataset *ds, const char *path,
                          frm_diag_fn diag, void *ctx, frm_error *err);

/*
 * Adds one record read from elsewhere (an importer, a benchmark run).
 * `file` and `line` say where it came from, for messages.  Borrows `rec`.
 */
frm_code frm_dataset_add(frm_dataset *ds, const frm_record *rec,
                         const char *file, uint64_t line, frm_error *err);

size_t frm_dataset_size(const frm_dataset *ds);
/* Borrowed; valid until the dataset is changed or freed. */
const frm_entry *frm_dataset_entry(const frm_dataset *ds, size_t i);
size_t frm_dataset_n_configs(const frm_dataset *ds);
const frm_config *frm_dataset_config(const frm_dataset *ds, size_t i);
size_t frm_dataset_n_models(const frm_dataset *ds);
const char *frm_dataset_model_name(const frm_dataset *ds, uint32_t model_id);
/* The name of file `file_index` as given to frm_dataset_load ("-" for stdin). */
const char *frm_dataset_file(const frm_dataset *ds, uint32_t file_index);
/* Number of "error" records seen, and of lines rejected, over all loads. */
size_t frm_dataset_n_error_records(const frm_dataset *ds);
size_t frm_dataset_n_rejected(const frm_dataset *ds);

/*
 * Records that frm predict wrote (source "predict:..."), which are not
 * measurements, are counted and left out unless frm_dataset_keep_predicted
 * is called with true before loading.
 */
size_t frm_dataset_n_predicted(const frm_dataset *ds);
void frm_dataset_keep_predicted(frm_dataset *ds, bool keep);

/* Frees the dataset and all it owns; NULL is a no-op. */
void frm_dataset_free(frm_dataset *ds);

#ifdef __cplusplus
}
#endif

#endif
