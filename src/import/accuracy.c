/*
 * import/accuracy.c - top-1 accuracy from timm's results-imagenet.csv.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "util/csv.h"
#include "util/pool.h"

struct frmi_accuracy_table {
    frmi_pool models;
    frmi_map top1;                 /* (model id + 1) << 32 | img_size -> bits of the fraction */
};

static uint64_t key_of(uint32_t id, int img_size)
{
    return (uint64_t)(id + 1) << 32 | (uint32_t)img_size;
}

void frmi_accuracy_table_free(frmi_accuracy_table *t)
{
    if (!t)
        return;
    frmi_pool_release(&t->models);
    frmi_map_release(&t->top1);
    free(t);
}

static frm_code read_rows(frmi_accuracy_table *t, const char *path, const char *text, size_t len,
                          const frmi_aliases *aliases, frm_error *err)
{
    frmi_csv c;
    frmi_csv_init(&c, text, len, ',');
    bool more;
    frm_code rc = frmi_csv_next(&c, &more, err);
    if (rc == FRM_OK && !more)
        rc = frmi_fail(err, FRM_E_FIELD, "%s: empty file, expected a header with model, img_size "
                       "and top1", path);
    long col_model = -1, col_size = -1, col_top1 = -1;
    if (rc == FRM_OK) {
        col_model = frmi_csv_column(c.fields, c.n_fields, "model");
        col_size = frmi_csv_column(c.fields, c.n_fields, "img_size");
        col_top1 = frmi_csv_column(c.fields, c.n_fields, "top1");
        const char *absent = col_model < 0 ? "model" : col_size < 0 ? "img_size"
                             : col_top1 < 0 ? "top1" : NULL;
        if (absent)
            rc = frmi_fail(err, FRM_E_FIELD, "%s:1: no column '%s' in the header", path, absent);
    }
    while (rc == FRM_OK && (rc = frmi_csv_next(&c, &more, err)) == FRM_OK && more) {
        double size, top1;
        long bad = (size_t)col_model >= c.n_fields ? col_model
                   : (size_t)col_size >= c.n_fields || !frmi_parse_number(c.fields[col_size], &size)
                       ? col_size
                   : (size_t)col_top1 >= c.n_fields || !frmi_parse_number(c.fields[col_top1], &top1)
                       ? col_top1
                       : -1;
        if (bad >= 0) {
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%llu:%ld: %s", path, (unsigned long long)c.line,
                           bad + 1, (size_t)bad >= c.n_fields ? "the row is too short"
                                    : "not a number");
            break;
        }
        if (top1 < 0 || top1 > 100 || size < 1 || size > 100000 || size != floor(size)) {
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%llu: top1 %g or img_size %g out of range", path,
                           (unsigned long long)c.line, top1, size);
            break;
        }
        char name[256], tag[128];
        frmi_model_name(aliases, c.fields[col_model], name, sizeof name, tag, sizeof tag);
        uint32_t id = frmi_pool_intern(&t->models, name);
        if (id == FRMI_NONE) {
            rc = frmi_nomem(err);
            break;
        }
        uint64_t key = key_of(id, (int)size);
        if (frmi_map_get(&t->top1, key))
            continue;              /* the file lists the best weights first */
        /* "77.222e-2" reads as the double nearest 0.77222; 77.222 / 100 is one off */
        char shifted[96];
        double fraction = top1 / 100.0;
        if (snprintf(shifted, sizeof shifted, "%se-2", c.fields[col_top1]) < (int)sizeof shifted)
            frmi_parse_number(shifted, &fraction);
        uint64_t bits;
        memcpy(&bits, &fraction, sizeof bits);
        rc = frmi_map_put(&t->top1, key, bits);
        if (rc != FRM_OK)
            frmi_nomem(err);
    }
    if (rc == FRM_E_SYNTAX) {
        frm_error inner = *err;
        frmi_fail(err, FRM_E_SYNTAX, "%s: %s", path, inner.message);
    }
    frmi_csv_release(&c);
    return rc;
}

frm_code frmi_accuracy_table_load(const char *path, const frmi_aliases *aliases,
                                  frmi_accuracy_table **out, frm_error *err)
{
    frmi_accuracy_table *t = calloc(1, sizeof *t);
    if (!t)
        return frmi_nomem(err);
    frmi_pool_init(&t->models);
    frmi_map_init(&t->top1);
    char *text;
    size_t len;
    frm_code rc = frmi_read_file(path, &text, &len, err);
    if (rc == FRM_OK) {
        rc = read_rows(t, path, text, len, aliases, err);
        free(text);
    }
    if (rc != FRM_OK) {
        frmi_accuracy_table_free(t);
        return rc;
    }
    *out = t;
    return FRM_OK;
}

double frmi_accuracy_lookup(const frmi_accuracy_table *t, const char *model, int img_size)
{
    uint32_t id = frmi_pool_find(&t->models, model);
    if (id == FRMI_NONE)
        return NAN;
    const uint64_t *bits = frmi_map_get(&t->top1, key_of(id, img_size));
    if (!bits)
        return NAN;
    double fraction;
    memcpy(&fraction, bits, sizeof fraction);
    return fraction;
}
