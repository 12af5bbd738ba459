/*
 * import/macs.c - MACs for models the zoo does not count (--macs FILE).
 *
 * Sources such as Qualcomm AI Hub publish no operation counts.  A user who
 * has the models profiles them (`frm profile --format json`) or writes a
 * table, and the import joins the counts by model and input size.  A count
 * holds at one input size only, so an entry with a size never stands in
 * for another size.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "util/csv.h"
#include "util/pool.h"

typedef struct macs_entry {
    uint32_t model;                /* id in the table's pool */
    int resolution;                /* 0: any size */
    double macs, params;
} macs_entry;

struct frmi_macs_table {
    frmi_pool models;
    macs_entry *entries;
    size_t n, cap;
};

void frmi_macs_table_free(frmi_macs_table *t)
{
    if (!t)
        return;
    frmi_pool_release(&t->models);
    free(t->entries);
    free(t);
}

static frm_code add_entry(frmi_macs_table *t, const frmi_aliases *aliases, const char *raw,
                          int resolution, double macs, double params, const char *where,
                          frm_error *err)
{
    char name[256], tag[128];
    frmi_model_name(aliases, raw, name, sizeof name, tag, sizeof tag);
    if (!*name)
        return frmi_fail(err, FRM_E_FIELD, "%s: empty model name", where);
    uint32_t id = frmi_pool_intern(&t->models, name);
    if (id == FRMI_NONE)
        return frmi_nomem(err);
    for (size_t i = 0; i < t->n; i++)
        if (t->entries[i].model == id && t->entries[i].resolution == resolution) {
            if (t->entries[i].macs == macs)
                return FRM_OK;     /* the same model profiled twice */
            return frmi_fail(err, FRM_E_DUPLICATE, "%s: model '%s'%s%.0d given %.17g MACs "
                             "before and %.17g now", where, name, resolution ? " at size " : "",
                             resolution, t->entries[i].macs, macs);
        }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        macs_entry *grown = realloc(t->entries, cap * sizeof *grown);
        if (!grown)
            return frmi_nomem(err);
        t->entries = grown;
        t->cap = cap;
    }
    t->entries[t->n++] = (macs_entry){id, resolution, macs, params};
    return FRM_OK;
}

static bool count_ok(double v, double limit)
{
    return isfinite(v) && v >= 1 && v <= limit;
}

/*
 * The input size of a profile: H of an [N, C, H, W] first input when it
 * is square (the size a source quotes as "224x224"), else 0.
 */
static int profile_resolution(json_t *entry)
{
    json_t *shape = json_object_get(json_array_get(json_object_get(entry, "inputs"), 0), "shape");
    if (!json_is_array(shape) || json_array_size(shape) != 4)
        return 0;
    json_t *h = json_array_get(shape, 2), *w = json_array_get(shape, 3);
    if (!json_is_integer(h) || !json_is_integer(w) || json_integer_value(h) != json_integer_value(w))
        return 0;
    json_int_t r = json_integer_value(h);
    return r >= 1 && r <= 100000 ? (int)r : 0;
}

static frm_code load_profile_json(frmi_macs_table *t, const char *path, const char *text,
                                  size_t len, const frmi_aliases *aliases, frm_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return frmi_fail(err, FRM_E_SYNTAX, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                         jerr.text);
    frm_code rc = FRM_OK;
    if (!json_is_array(root))
        rc = frmi_fail(err, FRM_E_FIELD, "%s: expected the JSON array of 'frm profile --format "
                       "json'", path);
    size_t i;
    json_t *entry;
    json_array_foreach(root, i, entry) {
        if (rc != FRM_OK)
            break;
        char where[300];
        snprintf(where, sizeof where, "%s: entry %zu", path, i + 1);
        json_t *model = json_object_get(entry, "model");
        json_t *macs = json_object_get(entry, "macs");
        json_t *params = json_object_get(entry, "params");
        json_t *partial = json_object_get(entry, "partial");
        if (!json_is_string(model) || !json_is_number(macs)) {
            rc = frmi_fail(err, FRM_E_FIELD, "%s: expected \"model\" (a string) and \"macs\" (a "
                           "number)", where);
        } else if (json_is_true(partial)) {
            /* a count that left operators out would make every ratio wrong */
            rc = frmi_fail(err, FRM_E_VALUE, "%s: the profile of '%s' is partial (operators it "
                           "could not count); its MACs would be too low", where,
                           json_string_value(model));
        } else if (!count_ok(json_number_value(macs), 1e18) ||
                   (params && !count_ok(json_number_value(params), 1e15))) {
            rc = frmi_fail(err, FRM_E_FIELD, "%s: macs or params out of range", where);
        } else {
            rc = add_entry(t, aliases, json_string_value(model), profile_resolution(entry),
                           json_number_value(macs),
                           json_is_number(params) ? json_number_value(params) : NAN, where, err);
        }
    }
    json_decref(root);
    return rc;
}

static frm_code load_csv(frmi_macs_table *t, const char *path, const char *text, size_t len,
                         const frmi_aliases *aliases, frm_error *err)
{
    frmi_csv c;
    frmi_csv_init(&c, text, len, ',');
    bool more;
    frm_code rc = frmi_csv_next(&c, &more, err);
    if (rc == FRM_OK && !more)
        rc = frmi_fail(err, FRM_E_FIELD, "%s: empty file, expected a header with model and macs",
                       path);
    long col_model = -1, col_macs = -1, col_params = -1, col_size = -1;
    size_t width = 0;
    if (rc == FRM_OK) {
        width = c.n_fields;
        col_model = frmi_csv_column(c.fields, c.n_fields, "model");
        col_macs = frmi_csv_column(c.fields, c.n_fields, "macs");
        col_params = frmi_csv_column(c.fields, c.n_fields, "params");
        static const char *const size_names[] = {"resolution", "input_size", "img_size"};
        for (size_t i = 0; i < 3 && col_size < 0; i++)
            col_size = frmi_csv_column(c.fields, c.n_fields, size_names[i]);
        if (col_model < 0 || col_macs < 0)
            rc = frmi_fail(err, FRM_E_FIELD, "%s:1: no column '%s' in the header", path,
                           col_model < 0 ? "model" : "macs");
    }
    while (rc == FRM_OK && (rc = frmi_csv_next(&c, &more, err)) == FRM_OK && more) {
        char where[300];
        snprintf(where, sizeof where, "%s:%llu", path, (unsigned long long)c.line);
        if (c.n_fields != width) {
            rc = frmi_fail(err, FRM_E_FIELD, "%s: %zu fields where the header has %zu", where,
                           c.n_fields, width);
            break;
        }
        double macs, params = NAN, size = 0;
        const char *params_text = col_params >= 0 ? c.fields[col_params] : "";
        const char *size_text = col_size >= 0 ? c.fields[col_size] : "";
        long bad = !frmi_parse_number(c.fields[col_macs], &macs) || !count_ok(macs, 1e18) ? col_macs
                   : *params_text && (!frmi_parse_number(params_text, &params) ||
                                      !count_ok(params, 1e15)) ? col_params
                   : *size_text && (!frmi_parse_number(size_text, &size) || size < 1 ||
                                    size > 100000 || size != floor(size)) ? col_size
                   : -1;
        if (bad >= 0) {
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%ld: '%s' is not a %s", where, bad + 1,
                           c.fields[bad], bad == col_size ? "whole input size" : "positive count");
            break;
        }
        rc = add_entry(t, aliases, c.fields[col_model], (int)size, macs, params, where, err);
    }
    if (rc == FRM_E_SYNTAX) {
        char why[FRM_ERROR_SIZE];
        snprintf(why, sizeof why, "%s", err->message);
        rc = frmi_fail(err, FRM_E_SYNTAX, "%s: %s", path, why);
    }
    frmi_csv_release(&c);
    return rc;
}

frm_code frmi_macs_table_load(const char *path, const frmi_aliases *aliases,
                              frmi_macs_table **out, frm_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    frm_code rc = frmi_read_file(path, &text, &len, err);
    if (rc != FRM_OK)
        return rc;
    frmi_macs_table *t = calloc(1, sizeof *t);
    if (!t) {
        free(text);
        return frmi_nomem(err);
    }
    frmi_pool_init(&t->models);
    size_t skip = strspn(text, " \t\r\n");
    rc = text[skip] == '[' ? load_profile_json(t, path, text, len, aliases, err)
                           : load_csv(t, path, text, len, aliases, err);
    if (rc == FRM_OK && t->n == 0)
        rc = frmi_fail(err, FRM_E_FIELD, "%s: no model in the file", path);
    free(text);
    if (rc != FRM_OK) {
        frmi_macs_table_free(t);
        return rc;
    }
    *out = t;
    return FRM_OK;
}

double frmi_macs_lookup(const frmi_macs_table *t, const char *model, int resolution,
                        double *params)
{
    if (params)
        *params = NAN;
    uint32_t id = t ? frmi_pool_find(&t->models, model) : FRMI_NONE;
    if (id == FRMI_NONE)
        return NAN;
    const macs_entry *any = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const macs_entry *e = &t->entries[i];
        if (e->model != id)
            continue;
        if (resolution && e->resolution == resolution) {
            any = e;
            break;
        }
        if (e->resolution == 0)
            any = e;
    }
    if (!any)
        return NAN;
    if (params)
        *params = any->params;
    return any->macs;
}
