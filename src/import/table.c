/*
 * import/table.c - any CSV table, its columns mapped to record fields by
 * `--map field=column` (docs/import.md).
 *
 * A field reads the column named by --map, or else the column named
 * after the field itself (a table with a "model" and a "latency" column
 * needs no map at all).  Numbers are converted with the unit options;
 * what the table does not have comes from the other options or the zoo.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "import/import.h"

/* A field's column, or -1; *mapped tells whether --map named it. */
static long find_column(const frmi_import_options *o, const frmi_csv *c, frmi_field f,
                        bool *mapped)
{
    *mapped = o->map[f] != NULL;
    return frmi_csv_column(c->fields, c->n_fields, o->map[f] ? o->map[f] : frmi_field_name(f));
}

static const char *text_cell(const frmi_csv *c, const long *cols, frmi_field f)
{
    if (cols[f] < 0 || (size_t)cols[f] >= c->n_fields || !*c->fields[cols[f]])
        return NULL;
    return c->fields[cols[f]];
}

static bool is_number_field(frmi_field f)
{
    return f == FRMI_FIELD_BATCH || f == FRMI_FIELD_THREADS || f >= FRMI_FIELD_LATENCY;
}

static frm_code import_row(frmi_importer *im, const char *path, const frmi_csv *c,
                           const long *cols, bool percent, frm_error *err)
{
    const frmi_import_options *o = frmi_importer_options(im);
    double v[FRMI_FIELD_N];
    for (int f = 0; f < FRMI_FIELD_N; f++) {
        v[f] = NAN;
        const char *s = text_cell(c, cols, (frmi_field)f);
        if (!is_number_field((frmi_field)f) || !s)
            continue;
        if (!frmi_parse_number(s, &v[f]))
            return frmi_import_bad(im, err, FRM_E_FIELD, path, c->line, (unsigned)cols[f] + 1,
                                   "%s (column '%s'): '%s' is not a number",
                                   frmi_field_name((frmi_field)f),
                                   o->map[f] ? o->map[f] : frmi_field_name((frmi_field)f), s);
    }
    const char *tier_name = text_cell(c, cols, FRMI_FIELD_TIER);
    frm_tier tier = tier_name ? frm_tier_parse(tier_name) : FRM_TIER_UNKNOWN;
    if (tier_name && tier == FRM_TIER_UNKNOWN && o->tier == FRM_TIER_UNKNOWN)
        return frmi_import_bad(im, err, FRM_E_FIELD, path, c->line,
                               (unsigned)cols[FRMI_FIELD_TIER] + 1,
                               "tier '%s': expected gpu, cpu or edge", tier_name);
    double acc = v[FRMI_FIELD_ACCURACY];
    if (!isnan(acc) && (acc < 0 || acc > 100))
        return frmi_import_bad(im, err, FRM_E_FIELD, path, c->line,
                               (unsigned)cols[FRMI_FIELD_ACCURACY] + 1,
                               "accuracy %g is neither a fraction nor a percentage", acc);

    char name[256], tag[128];
    const char *raw = o->model ? o->model : text_cell(c, cols, FRMI_FIELD_MODEL);
    frmi_import_row row;
    frmi_import_row_init(&row);
    frm_record *r = &row.rec;
    if (raw) {
        frmi_model_name(o->aliases, raw, name, sizeof name, tag, sizeof tag);
        r->model = name;
    }
    r->device = text_cell(c, cols, FRMI_FIELD_DEVICE);
    r->tier = tier;
    r->framework = text_cell(c, cols, FRMI_FIELD_FRAMEWORK);
    r->framework_version = text_cell(c, cols, FRMI_FIELD_FRAMEWORK_VERSION);
    r->config_id = text_cell(c, cols, FRMI_FIELD_CONFIG_ID);
    double to_ms = o->latency_to_ms > 0 ? o->latency_to_ms : 1;
    double to_mb = o->memory_to_mb > 0 ? o->memory_to_mb : 1;
    r->latency_ms.median = v[FRMI_FIELD_LATENCY] * to_ms;
    r->latency_ms.mean = v[FRMI_FIELD_LATENCY_MEAN] * to_ms;
    r->latency_ms.stdev = v[FRMI_FIELD_LATENCY_STDEV] * to_ms;
    r->latency_ms.min = v[FRMI_FIELD_LATENCY_MIN] * to_ms;
    r->latency_ms.max = v[FRMI_FIELD_LATENCY_MAX] * to_ms;
    r->latency_ms.p90 = v[FRMI_FIELD_LATENCY_P90] * to_ms;
    r->latency_ms.p95 = v[FRMI_FIELD_LATENCY_P95] * to_ms;
    r->latency_ms.p99 = v[FRMI_FIELD_LATENCY_P99] * to_ms;
    r->memory_mb.peak = v[FRMI_FIELD_MEMORY] * to_mb;
    if (!isnan(r->memory_mb.peak))
        r->memory_mb.source = "measured";
    r->energy_mj = v[FRMI_FIELD_ENERGY];
    r->macs = v[FRMI_FIELD_MACS];
    r->flops = v[FRMI_FIELD_FLOPS];
    r->params = v[FRMI_FIELD_PARAMS];
    r->accuracy_top1 = percent ? acc / 100 : acc;
    double batch = !isnan(o->batch) ? o->batch : v[FRMI_FIELD_BATCH];
    if (!isnan(batch))
        r->batch = batch;

    const char *precision = o->precision ? o->precision : text_cell(c, cols, FRMI_FIELD_PRECISION);
    double threads = o->threads > 0 ? o->threads : v[FRMI_FIELD_THREADS];
    char threads_part[32] = "", batch_part[32] = "";
    if (!isnan(threads))
        snprintf(threads_part, sizeof threads_part, "threads-%g", threads);
    if (cols[FRMI_FIELD_BATCH] >= 0 || !isnan(o->batch))
        snprintf(batch_part, sizeof batch_part, "batch-%g", r->batch);
    frmi_import_config_string(&row, "precision", precision);
    frmi_import_config_number(&row, "threads", threads);
    frmi_import_config_string(&row, "tag", raw && tag[0] ? tag : NULL);
    row.config_id_parts[row.n_parts++] = precision;
    row.config_id_parts[row.n_parts++] = threads_part;
    row.config_id_parts[row.n_parts++] = batch_part;
    frm_code rc = frmi_import_add(im, &row, path, c->line, err);
    frmi_import_row_release(&row);
    return rc;
}

/*
 * Whether the accuracy column holds percentages: it does when any value
 * is above 1, and then a value that looks like a fraction is an error, as
 * in frm bench's accuracy file (0.9 could be 0.9% or 90%).  Cells that
 * are no number are left to the row they belong to.
 */
static frm_code accuracy_unit(const char *path, const char *text, size_t len, char delimiter,
                              long col, bool *percent, frm_error *err)
{
    frmi_csv c;
    frmi_csv_init(&c, text, len, delimiter);
    bool more;
    uint64_t big_line = 0, small_line = 0;
    double big = 0, small = 0;
    frm_code rc = frmi_csv_next(&c, &more, err);
    while (rc == FRM_OK && (rc = frmi_csv_next(&c, &more, err)) == FRM_OK && more) {
        double v;
        if ((size_t)col >= c.n_fields || !frmi_parse_number(c.fields[col], &v))
            continue;
        if (v > 1 && !big_line) {
            big_line = c.line;
            big = v;
        }
        if (v <= 1 && !small_line) {
            small_line = c.line;
            small = v;
        }
    }
    frmi_csv_release(&c);
    if (rc != FRM_OK)
        return rc;
    if (big_line && small_line)
        return frmi_fail(err, FRM_E_FIELD, "%s:%llu:%ld: accuracy %g looks like a fraction, but "
                         "line %llu (%g) is a percentage; write all values one way", path,
                         (unsigned long long)small_line, col + 1, small,
                         (unsigned long long)big_line, big);
    *percent = big_line != 0;
    return FRM_OK;
}

frm_code frmi_import_table(frmi_importer *im, const char *path, const char *text, size_t len,
                           frm_error *err)
{
    const frmi_import_options *o = frmi_importer_options(im);
    frmi_csv c;
    frmi_csv_init(&c, text, len, o->delimiter);
    bool more;
    frm_code rc = frmi_csv_next(&c, &more, err);
    if (rc == FRM_OK && !more)
        rc = frmi_fail(err, FRM_E_FIELD, "%s: empty file, expected a header row", path);
    long cols[FRMI_FIELD_N];
    for (int f = 0; rc == FRM_OK && f < FRMI_FIELD_N; f++) {
        bool mapped;
        cols[f] = find_column(o, &c, (frmi_field)f, &mapped);
        if (cols[f] < 0 && mapped)
            rc = frmi_fail(err, FRM_E_FIELD, "%s:1: --map %s=%s: no column '%s' in the header",
                           path, frmi_field_name((frmi_field)f), o->map[f], o->map[f]);
    }
    if (rc == FRM_OK && cols[FRMI_FIELD_MODEL] < 0 && !o->model)
        rc = frmi_fail(err, FRM_E_FIELD, "%s:1: no 'model' column; name one with --map "
                       "model=COLUMN", path);
    if (rc == FRM_OK && cols[FRMI_FIELD_LATENCY] < 0)
        rc = frmi_fail(err, FRM_E_FIELD, "%s:1: no 'latency' column; name one with --map "
                       "latency=COLUMN (and --latency-unit us|ms|s)", path);
    if (rc == FRM_OK && cols[FRMI_FIELD_MEMORY] < 0 && isnan(o->memory_mb))
        rc = frmi_fail(err, FRM_E_FIELD, "%s:1: no 'memory' column; name one with --map "
                       "memory=COLUMN (and --memory-unit B|KB|MB|GB), or give --memory-mb", path);
    bool percent = false;
    if (rc == FRM_OK && cols[FRMI_FIELD_ACCURACY] >= 0)
        rc = accuracy_unit(path, text, len, o->delimiter, cols[FRMI_FIELD_ACCURACY], &percent, err);
    if (rc == FRM_OK) {
        frmi_csv_release(&c);
        frmi_csv_init(&c, text, len, o->delimiter);
        rc = frmi_csv_next(&c, &more, err);    /* the header again */
    }
    while (rc == FRM_OK && (rc = frmi_csv_next(&c, &more, err)) == FRM_OK && more)
        rc = import_row(im, path, &c, cols, percent, err);
    if (rc == FRM_E_SYNTAX) {
        frm_error inner = *err;
        frmi_fail(err, FRM_E_SYNTAX, "%s: %s", path, inner.message);
    }
    frmi_csv_release(&c);
    return rc;
}
