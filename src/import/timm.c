/*
 * import/timm.c - timm's benchmark-infer-*.csv tables (docs/import.md).
 *
 * One file is one configuration, named by the file: benchmark-infer-
 * <precision>-<layout>-pt<torch>-<cuXYZ|cpu>-<device>[-dynamo].csv.  One
 * row is one (model, input size).  Three things need every file at once,
 * so rows are stored as they come and completed by finish(): the name of
 * a model measured at several sizes (its default size is known only
 * across files), and infer_gmacs / infer_macts, which some files lack and
 * another file may give for the same model and size.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frm/zoo.h"
#include "util/csv.h"
#include "import/import.h"
#include "util/pool.h"

/* A row waiting for finish(). */
typedef struct pending {
    size_t record;                 /* index in the importer */
    uint32_t model;                /* id in the state's pool: the name without size or tag */
    int size;
    double params, macs, macts;    /* parameters, MACs, activations; NaN when absent */
    double bytes;                  /* per element, from the precision */
    const char *path;              /* kept by the importer */
    uint64_t line;
    unsigned gmacs_column, macts_column;  /* 1-based; 0 when the file has no such column */
} pending;

typedef struct timm_state {
    frmi_pool models;
    pending *rows;
    size_t n, cap;
} timm_state;

static void state_release(void *data)
{
    timm_state *st = data;
    frmi_pool_release(&st->models);
    free(st->rows);
    free(st);
}

static frm_code state_finish(frmi_importer *im, void *data, frm_error *err);

static frm_code get_state(frmi_importer *im, timm_state **out, frm_error *err)
{
    frmi_import_state *s = frmi_importer_state(im);
    if (!s->data) {
        timm_state *st = calloc(1, sizeof *st);
        if (!st)
            return frmi_nomem(err);
        frmi_pool_init(&st->models);
        s->data = st;
        s->release = state_release;
        s->finish = state_finish;
    }
    *out = s->data;
    return FRM_OK;
}

/* --- The file name ---------------------------------------------------------- */

typedef struct file_config {
    char precision[16], layout[8], torch[32], cuda[16], compile[16], device[128];
    frm_tier tier;
} file_config;

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/*
 * "240" -> "2.4.0", "1131" -> "1.13.1": first digit major, last patch, the
 * rest minor.  "110" to "113" are PyTorch 1.10 to 1.13 (timm names them
 * without a patch; there never was a 1.1.1 to 1.1.3).
 */
static void dotted_version(const char *digits, char *out, size_t size)
{
    size_t n = strlen(digits);
    if (n == 3 && digits[0] == '1' && digits[1] == '1' && digits[2] >= '0' && digits[2] <= '3')
        snprintf(out, size, "1.%s", digits + 1);
    else if (n < 3)
        snprintf(out, size, "%s", digits);
    else
        snprintf(out, size, "%c.%.*s.%c", digits[0], (int)(n - 2), digits + 1, digits[n - 1]);
}

static void parse_file_name(const char *path, file_config *fc)
{
    static const char *const precisions[] = {"amp", "fp32", "fp16", "bf16", "float32", "float16",
                                             "bfloat16", "int8", "amp_bf16"};
    static const char *const compiles[] = {"dynamo", "compile", "inductor", "torchscript",
                                           "aot"};
    memset(fc, 0, sizeof *fc);
    const char *slash = strrchr(path, '/');
    char stem[512];
    snprintf(stem, sizeof stem, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = '\0';
    size_t device_len = 0;
    for (char *save = NULL, *tok = strtok_r(stem, "-", &save); tok;
         tok = strtok_r(NULL, "-", &save)) {
        bool known = false;
        if (strcmp(tok, "benchmark") == 0 || strcmp(tok, "infer") == 0)
            continue;
        for (size_t i = 0; i < sizeof precisions / sizeof precisions[0] && !known; i++)
            if (!fc->precision[0] && strcmp(tok, precisions[i]) == 0) {
                snprintf(fc->precision, sizeof fc->precision, "%s", tok);
                known = true;
            }
        for (size_t i = 0; i < sizeof compiles / sizeof compiles[0] && !known; i++)
            if (strcmp(tok, compiles[i]) == 0) {
                snprintf(fc->compile, sizeof fc->compile, "%s", tok);
                known = true;
            }
        if (known)
            continue;
        if (strcmp(tok, "nchw") == 0 || strcmp(tok, "nhwc") == 0) {
            snprintf(fc->layout, sizeof fc->layout, "%s", tok);
        } else if (strncmp(tok, "pt", 2) == 0 && all_digits(tok + 2)) {
            dotted_version(tok + 2, fc->torch, sizeof fc->torch);
        } else if (strncmp(tok, "cu", 2) == 0 && all_digits(tok + 2) && strlen(tok + 2) >= 2) {
            size_t n = strlen(tok + 2);
            snprintf(fc->cuda, sizeof fc->cuda, "%.*s.%c", (int)(n - 1), tok + 2, tok[1 + n]);
            fc->tier = FRM_TIER_GPU;
        } else if (strncmp(tok, "rocm", 4) == 0) {
            fc->tier = FRM_TIER_GPU;
        } else if (strcmp(tok, "cpu") == 0) {
            fc->tier = FRM_TIER_CPU;
        } else {
            device_len += (size_t)snprintf(fc->device + device_len,
                                           device_len < sizeof fc->device
                                               ? sizeof fc->device - device_len : 0,
                                           "%s%s", device_len ? "-" : "", tok);
            if (device_len >= sizeof fc->device)
                device_len = sizeof fc->device - 1;
        }
    }
}

static double precision_bytes(const char *precision)
{
    if (strcmp(precision, "int8") == 0)
        return 1;
    if (strstr(precision, "16") || strncmp(precision, "amp", 3) == 0)
        return 2;
    return 4;
}

/* --- Rows ------------------------------------------------------------------- */

enum { COL_MODEL, COL_SIZE, COL_STEP, COL_BATCH, COL_PARAMS, COL_GMACS, COL_MACTS, N_COLS };

static const char *const column_names[N_COLS] = {
    "model", "infer_img_size", "infer_step_time", "infer_batch_size", "param_count",
    "infer_gmacs", "infer_macts",
};

/* Powers of ten of each column's unit: millions of parameters, billions of MACs. */
static const int column_exp10[N_COLS] = {[COL_PARAMS] = 6, [COL_GMACS] = 9, [COL_MACTS] = 6};

/*
 * A number of column `col`, in its unit's base (parameters, not
 * millions), into *v (NaN for an empty optional cell); false when it is bad.
 */
static bool cell(const frmi_csv *c, const long *cols, int col, bool required, double *v)
{
    *v = NAN;
    if (cols[col] < 0)
        return !required;
    if ((size_t)cols[col] >= c->n_fields)
        return false;
    const char *s = c->fields[cols[col]];
    if (!*s && !required)
        return true;
    return frmi_parse_scaled(s, column_exp10[col], v);
}

/* A cell that is there and blank, or that the short row leaves out. */
static bool empty_cell(const frmi_csv *c, long col)
{
    return col >= 0 && ((size_t)col >= c->n_fields || !*c->fields[col]);
}

static frm_code import_row(frmi_importer *im, timm_state *st, const char *path, const frmi_csv *c,
                           const long *cols, const file_config *fc, frm_error *err)
{
    const frmi_import_options *o = frmi_importer_options(im);
    /*
     * timm writes a row with no step time and no batch for a model its
     * benchmark could not run: missing data, like an empty infer_gmacs,
     * not a malformed row.  One of the two without the other stays an error.
     */
    if (empty_cell(c, cols[COL_STEP]) && empty_cell(c, cols[COL_BATCH])) {
        const char *raw = (size_t)cols[COL_MODEL] < c->n_fields ? c->fields[cols[COL_MODEL]] : "";
        frmi_import_skip(im, "no measurement (timm could not run the model)", path, c->line,
                         (unsigned)cols[COL_STEP] + 1, "%s: no infer_step_time and no "
                         "infer_batch_size: timm did not measure it", *raw ? raw : "(no name)");
        return FRM_OK;
    }
    double v[N_COLS];
    for (int k = COL_SIZE; k < N_COLS; k++) {
        bool required = k <= COL_BATCH;
        if (!cell(c, cols, k, required, &v[k])) {
            const char *s = (size_t)cols[k] < c->n_fields ? c->fields[cols[k]] : NULL;
            return frmi_import_bad(im, err, FRM_E_FIELD, path, c->line, (unsigned)cols[k] + 1,
                                   "column '%s': %s%s%s", column_names[k],
                                   s ? "'" : "the row ends before it", s ? s : "",
                                   s ? "' is not a number" : "");
        }
    }
    const char *raw = (size_t)cols[COL_MODEL] < c->n_fields ? c->fields[cols[COL_MODEL]] : "";
    const char *problem = !*raw ? "no model name"
                          : !(v[COL_SIZE] >= 1 && v[COL_SIZE] == floor(v[COL_SIZE]) &&
                              v[COL_SIZE] <= 65536) ? "infer_img_size is not a size in pixels"
                          : !(v[COL_STEP] > 0) ? "infer_step_time is not positive"
                          : !(v[COL_BATCH] >= 1 && v[COL_BATCH] == floor(v[COL_BATCH]))
                              ? "infer_batch_size is not a whole number of at least 1"
                          : !(isnan(v[COL_PARAMS]) || v[COL_PARAMS] > 0)
                              ? "param_count is not positive"
                          : !(isnan(v[COL_GMACS]) || v[COL_GMACS] > 0)
                              ? "infer_gmacs is not positive"
                          : !(isnan(v[COL_MACTS]) || v[COL_MACTS] >= 0) ? "infer_macts is negative"
                          : isnan(v[COL_PARAMS]) ? "no param_count, needed for the memory estimate"
                          : NULL;
    if (problem)
        return frmi_import_bad(im, err, FRM_E_FIELD, path, c->line, 0, "%s", problem);

    char name[256], tag[128];
    frmi_model_name(o->aliases, raw, name, sizeof name, tag, sizeof tag);
    int size = (int)v[COL_SIZE];

    frmi_import_row row;
    frmi_import_row_init(&row);
    frm_record *r = &row.rec;
    r->model = name;
    /* tv_resnet50 read as resnet50; a pretrained tag alone is no alias */
    char untagged[256];
    snprintf(untagged, sizeof untagged, "%.*s", tag[0] ? (int)(strlen(raw) - strlen(tag) - 1)
                                                        : (int)strlen(raw), raw);
    row.aliased_from = strcmp(untagged, name) != 0 ? untagged : NULL;
    r->device = fc->device[0] ? fc->device : NULL;
    r->tier = fc->tier;
    r->framework = "pytorch";
    r->framework_version = fc->torch[0] ? fc->torch : NULL;
    r->batch = v[COL_BATCH];
    r->latency_ms.median = v[COL_STEP];
    r->latency_ms.mean = v[COL_STEP];
    r->params = v[COL_PARAMS];
    r->memory_mb.source = "estimated:params+activations";
    r->accuracy_top1 = o->accuracy ? frmi_accuracy_lookup(o->accuracy, name, size) : NAN;
    const char *precision = o->precision ? o->precision : fc->precision[0] ? fc->precision : "fp32";
    frmi_import_config_string(&row, "precision", precision);
    frmi_import_config_string(&row, "layout", fc->layout[0] ? fc->layout : NULL);
    frmi_import_config_string(&row, "torch", fc->torch[0] ? fc->torch : NULL);
    frmi_import_config_string(&row, "cuda", fc->cuda[0] ? fc->cuda : NULL);
    frmi_import_config_string(&row, "compile", fc->compile[0] ? fc->compile : NULL);
    frmi_import_config_number(&row, "input_size", size);
    frmi_import_config_string(&row, "tag", tag[0] ? tag : NULL);
    char torch[40], cuda[24];
    snprintf(torch, sizeof torch, "pt%s", fc->torch);
    snprintf(cuda, sizeof cuda, "cu%s", fc->cuda);
    row.config_id_parts[row.n_parts++] = precision;
    row.config_id_parts[row.n_parts++] = fc->layout;
    row.config_id_parts[row.n_parts++] = fc->torch[0] ? torch : NULL;
    row.config_id_parts[row.n_parts++] = fc->cuda[0] ? cuda : NULL;
    row.config_id_parts[row.n_parts++] = fc->compile;
    row.deferred = true;

    size_t index = frmi_importer_count(im);
    frm_code rc = frmi_import_add(im, &row, path, c->line, err);
    frmi_import_row_release(&row);
    if (rc != FRM_OK || frmi_importer_count(im) == index)
        return rc;                 /* a bad row, or one skipped under --skip-bad */

    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 1024;
        pending *grown = realloc(st->rows, cap * sizeof *grown);
        if (!grown)
            return frmi_nomem(err);
        st->rows = grown;
        st->cap = cap;
    }
    uint32_t id = frmi_pool_intern(&st->models, name);
    const char *kept_path = frmi_importer_keep(im, path);
    if (id == FRMI_NONE || !kept_path)
        return frmi_nomem(err);
    st->rows[st->n++] = (pending){
        .record = index, .model = id, .size = size, .params = v[COL_PARAMS],
        .macs = v[COL_GMACS], .macts = v[COL_MACTS], .bytes = precision_bytes(precision),
        .path = kept_path, .line = c->line,
        .gmacs_column = cols[COL_GMACS] >= 0 ? (unsigned)cols[COL_GMACS] + 1 : 0,
        .macts_column = cols[COL_MACTS] >= 0 ? (unsigned)cols[COL_MACTS] + 1 : 0,
    };
    return FRM_OK;
}

static frm_code import_rows(frmi_importer *im, timm_state *st, const char *path, frmi_csv *c,
                            frm_error *err)
{
    const frmi_import_options *o = frmi_importer_options(im);
    bool more;
    frm_code rc = frmi_csv_next(c, &more, err);
    if (rc == FRM_OK && !more)
        return frmi_fail(err, FRM_E_FIELD, "%s: empty file, expected timm's header (model, "
                         "infer_img_size, infer_step_time, infer_batch_size, ...)", path);
    /* a column named twice would leave which one counts to chance */
    for (size_t i = 0; rc == FRM_OK && i < c->n_fields; i++)
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(c->fields[i], c->fields[j]) == 0 && *c->fields[i])
                return frmi_fail(err, FRM_E_FIELD, "%s:1:%zu: column '%s' named twice (also "
                                 "column %zu)", path, i + 1, c->fields[i], j + 1);
    long cols[N_COLS];
    for (int k = 0; rc == FRM_OK && k < N_COLS; k++) {
        cols[k] = frmi_csv_column(c->fields, c->n_fields, column_names[k]);
        if (cols[k] < 0 && k <= COL_BATCH)
            return frmi_fail(err, FRM_E_FIELD, "%s:1: no column '%s' in the header: not a timm "
                             "benchmark table?", path, column_names[k]);
    }
    file_config fc;
    parse_file_name(path, &fc);
    if (rc == FRM_OK && !o->device && !fc.device[0])
        return frmi_fail(err, FRM_E_FIELD, "%s: the file name names no device (timm writes "
                         "benchmark-infer-<precision>-<layout>-pt<torch>-<cuXYZ|cpu>-<device>"
                         ".csv); use --device", path);
    if (rc == FRM_OK && o->tier == FRM_TIER_UNKNOWN && fc.tier == FRM_TIER_UNKNOWN)
        return frmi_fail(err, FRM_E_FIELD, "%s: the file name says neither cuXYZ nor cpu; use "
                         "--tier gpu|cpu|edge", path);
    if (rc == FRM_OK && cols[COL_MACTS] < 0)
        frmi_import_notice(im, "%s: no infer_macts column; activations are taken from the other "
                           "files for the same model and size", path);
    if (rc == FRM_OK && cols[COL_GMACS] < 0)
        frmi_import_notice(im, "%s: no infer_gmacs column; MACs are taken from the other files "
                           "for the same model and size", path);
    size_t width = c->n_fields;
    while (rc == FRM_OK && (rc = frmi_csv_next(c, &more, err)) == FRM_OK && more)
        rc = c->n_fields > width
                 ? frmi_import_bad(im, err, FRM_E_FIELD, path, c->line, (unsigned)width + 1,
                                   "%zu fields where the header names %zu: a shifted row?",
                                   c->n_fields, width)
                 : import_row(im, st, path, c, cols, &fc, err);
    if (rc == FRM_E_SYNTAX) {
        frm_error inner = *err;
        frmi_fail(err, FRM_E_SYNTAX, "%s: %s", path, inner.message);
    }
    return rc;
}

frm_code frmi_import_timm(frmi_importer *im, const char *path, const char *text, size_t len,
                          frm_error *err)
{
    timm_state *st = NULL;
    frm_code rc = get_state(im, &st, err);
    if (rc != FRM_OK)
        return rc;
    size_t n_before = st->n;
    frmi_csv c;
    frmi_csv_init(&c, text, len, ',');
    rc = import_rows(im, st, path, &c, err);
    frmi_csv_release(&c);
    if (rc != FRM_OK)
        st->n = n_before;          /* the importer drops this file's records */
    else
        frmi_import_notice(im, "%s: timm measures no memory; memory_mb.peak is estimated as "
                           "(params + activations) x bytes per element", path);
    return rc;
}

/* --- Completing the rows ------------------------------------------------------ */

/* (model id + 1) << 32 | size */
static uint64_t key_of(uint32_t model, int size)
{
    return (uint64_t)(model + 1) << 32 | (uint32_t)size;
}

/*
 * Each model's default size: the zoo's for the paper's models, else 224
 * when measured, else the smallest.
 */
static int *default_sizes(const timm_state *st)
{
    int *sizes = calloc(st->models.n_strs ? st->models.n_strs : 1, sizeof *sizes);
    if (!sizes)
        return NULL;
    bool *has224 = calloc(st->models.n_strs ? st->models.n_strs : 1, sizeof *has224);
    if (!has224) {
        free(sizes);
        return NULL;
    }
    for (size_t i = 0; i < st->n; i++) {
        const pending *p = &st->rows[i];
        if (!sizes[p->model] || p->size < sizes[p->model])
            sizes[p->model] = p->size;
        if (p->size == 224)
            has224[p->model] = true;
    }
    for (uint32_t m = 0; m < st->models.n_strs; m++) {
        const frm_zoo_info *zoo = frm_zoo_find(frmi_pool_str(&st->models, m));
        if (zoo)
            sizes[m] = zoo->resolution;
        else if (has224[m])
            sizes[m] = 224;
    }
    free(has224);
    return sizes;
}

/* The first figure another row gives for the same model and size. */
static frm_code collect_counts(const timm_state *st, frmi_map *gmacs, frmi_map *macts,
                               frmi_map *largest, frm_error *err)
{
    for (size_t i = 0; i < st->n; i++) {
        const pending *p = &st->rows[i];
        uint64_t key = key_of(p->model, p->size), bits;
        if (!isnan(p->macs) && !frmi_map_get(gmacs, key)) {
            memcpy(&bits, &p->macs, sizeof bits);
            if (frmi_map_put(gmacs, key, bits) != FRM_OK)
                return frmi_nomem(err);
        }
        if (!isnan(p->macts) && !frmi_map_get(macts, key)) {
            memcpy(&bits, &p->macts, sizeof bits);
            if (frmi_map_put(macts, key, bits) != FRM_OK)
                return frmi_nomem(err);
        }
        uint64_t *big = frmi_map_get(largest, (uint64_t)p->model + 1);
        if (!big || *big < (uint64_t)p->size)
            if (frmi_map_put(largest, (uint64_t)p->model + 1, (uint64_t)p->size) != FRM_OK)
                return frmi_nomem(err);
    }
    return FRM_OK;
}

static double lookup(const frmi_map *m, uint64_t key)
{
    const uint64_t *bits = frmi_map_get(m, key);
    double v = NAN;
    if (bits)
        memcpy(&v, bits, sizeof v);
    return v;
}

static frm_code complete(frmi_importer *im, timm_state *st, const int *defaults,
                         const frmi_map *gmacs, const frmi_map *macts, const frmi_map *largest,
                         bool *keep, frm_error *err)
{
    frmi_size_policy policy = frmi_importer_options(im)->size_policy;
    for (size_t i = 0; i < st->n; i++) {
        const pending *p = &st->rows[i];
        frm_record *r = frmi_importer_record_at(im, p->record);
        const char *base = frmi_pool_str(&st->models, p->model);
        const uint64_t *big = frmi_map_get(largest, (uint64_t)p->model + 1);
        bool is_default = p->size == defaults[p->model];
        bool is_largest = big && *big == (uint64_t)p->size;
        if ((policy == FRMI_SIZE_DEFAULT && !is_default) ||
            (policy == FRMI_SIZE_MAX && !is_largest)) {
            keep[p->record] = false;
            continue;
        }
        uint64_t key = key_of(p->model, p->size);
        double g = isnan(p->macs) ? lookup(gmacs, key) : p->macs;
        double a = isnan(p->macts) ? lookup(macts, key) : p->macts;
        if (isnan(g) || isnan(a)) {
            bool no_g = isnan(g);
            keep[p->record] = false;
            frmi_import_skip(im, "no MACs in any file", p->path, p->line, no_g ? p->gmacs_column : p->macts_column,
                             "%s at %d: no %s here, and no other file gives it for this model "
                             "and size", base, p->size, no_g ? "infer_gmacs" : "infer_macts");
            continue;
        }
        r->macs = g;
        /* whole bytes, so that 62.46 MB reads 62.46, not 62.459999999999994 */
        r->memory_mb.weights = round(p->params * p->bytes) / 1e6;
        r->memory_mb.activations_peak = round(a * p->bytes) / 1e6;
        r->memory_mb.peak = round((p->params + a) * p->bytes) / 1e6;
        bool suffix = policy == FRMI_SIZE_ALL || (policy == FRMI_SIZE_SUFFIX && !is_default);
        if (suffix) {
            char name[300];
            snprintf(name, sizeof name, "%s@%d", base, p->size);
            if (!(r->model = frmi_importer_keep(im, name)))
                return frmi_nomem(err);
        }
    }
    return FRM_OK;
}

static frm_code state_finish(frmi_importer *im, void *data, frm_error *err)
{
    timm_state *st = data;
    size_t n = frmi_importer_count(im);
    int *defaults = default_sizes(st);
    bool *keep = malloc((n ? n : 1) * sizeof *keep);
    frmi_map gmacs, macts, largest;
    frmi_map_init(&gmacs);
    frmi_map_init(&macts);
    frmi_map_init(&largest);
    frm_code rc = defaults && keep ? FRM_OK : frmi_nomem(err);
    if (rc == FRM_OK) {
        for (size_t i = 0; i < n; i++)
            keep[i] = true;
        rc = collect_counts(st, &gmacs, &macts, &largest, err);
    }
    if (rc == FRM_OK)
        rc = complete(im, st, defaults, &gmacs, &macts, &largest, keep, err);
    if (rc == FRM_OK)
        frmi_importer_compact(im, keep);
    st->n = 0;
    frmi_map_release(&gmacs);
    frmi_map_release(&macts);
    frmi_map_release(&largest);
    free(defaults);
    free(keep);
    return rc;
}
