/*
 * import/import.h - records from what other tools wrote (docs/import.md).
 *
 * An importer collects the records of one `frm import` run in memory; the
 * caller writes them only once every file has been read, so a failure
 * never leaves half an output behind.  Each foreign format has its own
 * file (timm.c, tflite.c, ort_perf.c, table.c) with one entry point of
 * type frmi_import_fn; what they share (names, configuration ids, row
 * errors, the zoo's counts) lives in import.c and names.c.
 *
 * Nothing here prints: problems go to the importer's diagnostic callback
 * and into frm_error.
 */
#ifndef FRM_IMPORT_H
#define FRM_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frm/record.h"
#include "util/error.h"
#include "util/jsonw.h"

typedef enum frmi_import_format {
    FRMI_IMPORT_TIMM = 0,
    FRMI_IMPORT_TFLITE,
    FRMI_IMPORT_ORT_PERF,
    FRMI_IMPORT_CSV,
    FRMI_IMPORT_AIHUB,
    FRMI_IMPORT_NCNN,
    FRMI_IMPORT_N_FORMATS
} frmi_import_format;

/* "timm", "tflite", "ort-perf", "csv", "aihub", "ncnn"; false for an unknown name. */
const char *frmi_import_format_name(frmi_import_format f);
bool frmi_import_format_parse(const char *name, frmi_import_format *out);

/* What to do with a model measured at several input sizes (timm). */
typedef enum frmi_size_policy {
    FRMI_SIZE_SUFFIX = 0,  /* every size; other than the default one named NAME@SIZE */
    FRMI_SIZE_DEFAULT,     /* only the default size, plain name */
    FRMI_SIZE_MAX,         /* only the largest size, plain name */
    FRMI_SIZE_ALL          /* every size, every name NAME@SIZE */
} frmi_size_policy;

bool frmi_size_policy_parse(const char *name, frmi_size_policy *out);

/* Fields of a record that `csv --map field=column` can fill. */
typedef enum frmi_field {
    FRMI_FIELD_MODEL = 0,
    FRMI_FIELD_DEVICE,
    FRMI_FIELD_TIER,
    FRMI_FIELD_FRAMEWORK,
    FRMI_FIELD_FRAMEWORK_VERSION,
    FRMI_FIELD_CONFIG_ID,
    FRMI_FIELD_PRECISION,
    FRMI_FIELD_BATCH,
    FRMI_FIELD_THREADS,
    FRMI_FIELD_LATENCY,        /* the median, or the only figure */
    FRMI_FIELD_LATENCY_MEAN,
    FRMI_FIELD_LATENCY_STDEV,
    FRMI_FIELD_LATENCY_MIN,
    FRMI_FIELD_LATENCY_MAX,
    FRMI_FIELD_LATENCY_P90,
    FRMI_FIELD_LATENCY_P95,
    FRMI_FIELD_LATENCY_P99,
    FRMI_FIELD_MEMORY,
    FRMI_FIELD_ENERGY,
    FRMI_FIELD_MACS,
    FRMI_FIELD_FLOPS,
    FRMI_FIELD_PARAMS,
    FRMI_FIELD_ACCURACY,
    FRMI_FIELD_N
} frmi_field;

const char *frmi_field_name(frmi_field f);
/* FRMI_FIELD_N for an unknown name. */
frmi_field frmi_field_parse(const char *name);

/* Name aliases: spelling -> canonical name; see names.c. */
typedef struct frmi_aliases frmi_aliases;

/*
 * The built-in table (torchvision, timm and TFLite spellings of the
 * paper's 13 models).  `*out` is the caller's (frmi_aliases_free).
 */
frm_code frmi_aliases_new(frmi_aliases **out, frm_error *err);
/*
 * Adds the aliases of `path`: one "SPELLING CANONICAL" pair a line
 * (separated by blanks, '=' or ','), '#' comments, blank lines.  Later
 * entries win.  A malformed line fails with path:line.
 */
frm_code frmi_aliases_load(frmi_aliases *a, const char *path, frm_error *err);
void frmi_aliases_free(frmi_aliases *a);

/*
 * The canonical name of `raw` into `name` (size bytes).  A file's
 * directory and extension (".tflite", ".onnx", ...) are dropped; the
 * alias table is looked up on what remains (lower-cased, '-' read as
 * '_'); failing that, a pretrained tag after the first '.' that starts
 * with a letter (timm's "resnet50.a1_in1k") goes into `tag` and the
 * table is looked up on the rest.  A name no alias matches stays as it
 * is, without its tag.  `tag` is empty when there is none.
 */
void frmi_model_name(const frmi_aliases *a, const char *raw, char *name, size_t size,
                     char *tag, size_t tag_size);

/* The top-1 accuracy table of timm's results-imagenet.csv. */
typedef struct frmi_accuracy_table frmi_accuracy_table;

/*
 * Reads `path`: columns model, img_size and top1 (a percentage) found by
 * header name.  For each (model without its tag, img_size) the first row
 * wins, as the file lists the best weights first.  Aliases apply to the
 * model column.  `*out` is the caller's (frmi_accuracy_table_free).
 */
frm_code frmi_accuracy_table_load(const char *path, const frmi_aliases *aliases,
                                  frmi_accuracy_table **out, frm_error *err);
/* Top-1 as a fraction, or NaN when the table has no such row. */
double frmi_accuracy_lookup(const frmi_accuracy_table *t, const char *model, int img_size);
void frmi_accuracy_table_free(frmi_accuracy_table *t);

/* MACs (and parameters) per (model, input size), from --macs FILE; see macs.c. */
typedef struct frmi_macs_table frmi_macs_table;

/*
 * Reads `path`: the JSON array `frm profile --format json` writes (model,
 * macs, params, inputs[0].shape for the size), or a CSV with columns
 * model, macs and optionally params and resolution (or input_size).
 * Aliases apply to the model names.  `*out` is the caller's
 * (frmi_macs_table_free).  A malformed entry fails with path:line.
 */
frm_code frmi_macs_table_load(const char *path, const frmi_aliases *aliases,
                              frmi_macs_table **out, frm_error *err);
/*
 * MACs of `model` at input size `resolution` (0: any size), NaN when the
 * table has none; `*params` (may be NULL) gets its parameters or NaN.  An
 * entry without a size matches every size.
 */
double frmi_macs_lookup(const frmi_macs_table *t, const char *model, int resolution,
                        double *params);
void frmi_macs_table_free(frmi_macs_table *t);

/* --resolution MODEL=R: the input size a source measured a model at. */
typedef struct frmi_resolution {
    const char *model;             /* as the source names it, or frm's name */
    int resolution;
} frmi_resolution;

typedef struct frmi_import_options {
    /*
     * Overrides of what a file says: a string when not NULL, the tier
     * when not FRM_TIER_UNKNOWN, threads when > 0, the numbers below when
     * not NaN (callers set them to NaN: 0 is a value).
     */
    const char *device;
    frm_tier tier;
    const char *framework;
    const char *framework_version;
    const char *precision;
    const char *provider;          /* ort-perf: execution provider */
    const char *model;             /* logs: the model's name */
    const char *config_id;
    int threads;
    double batch;
    double macs, params;           /* logs: counts for a model the zoo does not know */
    double memory_mb;              /* logs without a memory figure */
    frmi_size_policy size_policy;
    const frmi_aliases *aliases;   /* NULL: names as written */
    const frmi_accuracy_table *accuracy;
    /* csv */
    const char *map[FRMI_FIELD_N]; /* column header per field; NULL: the field's own name */
    double latency_to_ms;          /* 0: 1 (milliseconds) */
    double memory_to_mb;           /* 0: 1 (megabytes) */
    char delimiter;                /* 0: ',' */
    bool skip_bad;                 /* report bad rows and go on */
    /* aihub */
    bool keep_mirrored;            /* keep devices whose entries repeat another's job ids */
    const frmi_resolution *resolutions; /* overrides of info.yaml's input size */
    size_t n_resolutions;
    /* every format: MACs for models the zoo does not count (--macs FILE) */
    const frmi_macs_table *macs_table;
} frmi_import_options;

typedef struct frmi_importer frmi_importer;

/*
 * `diag` is called for every skipped row (with skip_bad) and for every
 * notice (an estimate, a guess from a file name), with the message in the
 * error; code FRM_OK marks a notice.  Borrows `opts` for its lifetime.
 * `*out` is the caller's (frmi_importer_free).
 */
frm_code frmi_importer_new(const frmi_import_options *opts, frm_diag_fn diag, void *ctx,
                           frmi_importer **out, frm_error *err);
void frmi_importer_free(frmi_importer *im);

/*
 * Imports every record of `path` in `format`.  Without skip_bad the first
 * bad row fails the call (its records are dropped, earlier files' kept);
 * with it bad rows are reported, counted and left out, and only a file
 * that cannot be read at all fails.
 */
frm_code frmi_import_file(frmi_importer *im, frmi_import_format format, const char *path,
                          frm_error *err);

size_t frmi_importer_count(const frmi_importer *im);
/* Borrowed; valid until the importer is freed. */
const frm_record *frmi_importer_record(const frmi_importer *im, size_t i);
/*
 * Entries reported and left out (bad rows under skip_bad, rows without a
 * figure they need, entries that are not measurements), over all files.
 */
size_t frmi_importer_n_skipped(const frmi_importer *im);
/*
 * The reasons entries were left out, in order of first use, with how many
 * each: i < frmi_importer_n_reasons.  The reason is borrowed.
 */
size_t frmi_importer_n_reasons(const frmi_importer *im);
const char *frmi_importer_reason(const frmi_importer *im, size_t i, size_t *count);
/*
 * Entries a format read from the source (records plus skips), as the
 * format counts them (frmi_import_entry); 0 for formats that do not.
 */
size_t frmi_importer_n_entries(const frmi_importer *im);
/* Records without MACs (after frmi_importer_finish): models nothing counted. */
size_t frmi_importer_n_without_macs(const frmi_importer *im);

/*
 * Called once after the last file: completes what a format left for later
 * (timm's names, and MACs or activations taken from another file).  Only
 * then are the records final.
 */
frm_code frmi_importer_finish(frmi_importer *im, frm_error *err);

/* Writes every record, one line each, to `out`. */
frm_code frmi_importer_write(const frmi_importer *im, FILE *out, frm_error *err);

/* --- For the format files ------------------------------------------------- */

typedef frm_code (*frmi_import_fn)(frmi_importer *im, const char *path, const char *text,
                                   size_t len, frm_error *err);

frm_code frmi_import_timm(frmi_importer *im, const char *path, const char *text, size_t len,
                          frm_error *err);
frm_code frmi_import_tflite(frmi_importer *im, const char *path, const char *text, size_t len,
                            frm_error *err);
frm_code frmi_import_ort_perf(frmi_importer *im, const char *path, const char *text,
                              size_t len, frm_error *err);
frm_code frmi_import_table(frmi_importer *im, const char *path, const char *text, size_t len,
                           frm_error *err);
frm_code frmi_import_ncnn(frmi_importer *im, const char *path, const char *text, size_t len,
                          frm_error *err);

/*
 * A format that reads a tree rather than one file (aihub: a checkout, a
 * folder under one, or single perf.yaml files): it opens what it needs
 * itself.
 */
typedef frm_code (*frmi_import_path_fn)(frmi_importer *im, const char *path, frm_error *err);

frm_code frmi_import_aihub(frmi_importer *im, const char *path, frm_error *err);
/*
 * One perf.yaml already in memory, with its info.yaml and the release's
 * devices_and_chipsets.yaml when there are (NULL otherwise): what
 * frmi_import_aihub does per model folder, and what the fuzzer drives.
 */
frm_code frmi_import_aihub_text(frmi_importer *im, const char *perf_path, const char *perf,
                                size_t perf_len, const char *info, size_t info_len,
                                const char *devices, size_t devices_len, frm_error *err);

const frmi_import_options *frmi_importer_options(const frmi_importer *im);

/*
 * A bad row or line: "FILE:LINE:COLUMN: message" (COLUMN 0 leaves it
 * out).  Under skip_bad it is passed to the diagnostic callback and
 * counted, and FRM_OK comes back so the caller goes on with the next row;
 * otherwise `code` comes back with the message in `err`.
 */
frm_code frmi_import_bad(frmi_importer *im, frm_error *err, frm_code code, const char *path,
                         uint64_t line, unsigned column, const char *fmt, ...)
    FRMI_PRINTF(7, 8);

/*
 * A well-formed row that cannot become a record because the data hold no
 * figure it needs (a timm row its benchmark could not run): reported as a
 * bad row is, with code FRM_E_VALUE, counted under `reason` (a short
 * phrase: "no measurement"), and left out even without skip_bad.
 */
void frmi_import_skip(frmi_importer *im, const char *reason, const char *path, uint64_t line,
                      unsigned column, const char *fmt, ...) FRMI_PRINTF(6, 7);

/*
 * An entry that is by rule not a measurement (a device that only mirrors
 * another device's jobs, a Skipped or Failed job, a language model's
 * token rates): counted under `reason` and passed to the diagnostic
 * callback with code FRM_E_SKIPPED, so a tool can list it on request and
 * summarise the rest.  `where` is "FILE:LINE" or a YAML path.
 */
void frmi_import_skip_entry(frmi_importer *im, const char *reason, const char *where,
                            const char *fmt, ...) FRMI_PRINTF(4, 5);

/*
 * Counts one more record kept with something left out of it, under
 * `reason`, for the closing counts; nothing is skipped.
 */
void frmi_import_tally(frmi_importer *im, const char *reason);

/* Counts one entry read from the source, for frmi_importer_n_entries. */
void frmi_import_entry(frmi_importer *im);

/* A notice for the user (an estimate made, a value guessed from a file name). */
void frmi_import_notice(frmi_importer *im, const char *fmt, ...) FRMI_PRINTF(2, 3);

/*
 * The parts of one record that a format fills in; frmi_import_add turns
 * them into a record.  Strings are borrowed for the call.  `config` holds
 * the members of the record's "config" object written so far (see
 * frmi_import_config_*), without braces; "batch" is added from rec.batch
 * by frmi_import_add, never by a format.
 */
typedef struct frmi_import_row {
    frm_record rec;                /* frm_record_init'ed by frmi_import_row_init */
    frmi_buf config;
    const char *config_id_parts[8];/* joined with '/' into config_id when it is NULL */
    size_t n_parts;
    bool deferred;                 /* macs and memory are completed at finish: not checked yet */
    int resolution;                /* input size measured, when the source says; 0 otherwise */
    bool counts_need_resolution;   /* the zoo's counts only at a known size: the source's
                                      default input sizes are not the zoo's */
    const char *source_model;      /* the source's own name, kept in config when it differs */
    const char *aliased_from;      /* the name as written when an alias changed it (not kept in
                                      config); NULL: source_model.  When the alias makes it
                                      collide with a model measured under that name in the same
                                      configuration, the record takes this name back */
} frmi_import_row;

void frmi_import_row_init(frmi_import_row *row);
void frmi_import_row_release(frmi_import_row *row);
/* Members of "config": a string (NULL skipped) or a number (NaN skipped). */
void frmi_import_config_string(frmi_import_row *row, const char *key, const char *value);
void frmi_import_config_number(frmi_import_row *row, const char *key, double value);

/*
 * Completes and stores the record: applies the options' overrides
 * (device, tier, framework, versions, config_id), fills macs and params
 * when the row has none (the zoo's counts for the paper's models, at
 * row->resolution when given; else --macs FILE, else --macs N), sets
 * schema, source ("import:FORMAT:BASENAME") and frm_version, builds
 * config_id from the parts when the row has none, and checks what a
 * record needs (model, device, tier, framework, latency median > 0; macs
 * and memory peak positive when present, absent otherwise): a missing
 * piece is a bad row at path:line.  Copies everything it keeps.
 */
frm_code frmi_import_add(frmi_importer *im, frmi_import_row *row, const char *path,
                         uint64_t line, frm_error *err);

/*
 * What a format keeps across files (timm's rows to complete), released
 * with the importer by `release`, and completed by `finish` from
 * frmi_importer_finish.  One format at a time may hold it.
 */
typedef struct frmi_import_state {
    void *data;
    void (*release)(void *data);
    frm_code (*finish)(frmi_importer *im, void *data, frm_error *err);
} frmi_import_state;

frmi_import_state *frmi_importer_state(frmi_importer *im);

/* Record i, for a format completing it at finish. */
frm_record *frmi_importer_record_at(frmi_importer *im, size_t i);
/* An interned copy of `s` that lives as long as the importer; NULL when memory ran out. */
const char *frmi_importer_keep(frmi_importer *im, const char *s);
/* Keeps the records whose keep[i] is true, in order. */
void frmi_importer_compact(frmi_importer *im, const bool *keep);

#endif
