/*
 * bench/accuracy.c - top-1 accuracies joined to benchmark records by model
 * name.
 *
 * Measured latency says nothing about accuracy, and the zoo's weights are
 * untrained, so FRM_Q needs published or separately evaluated figures:
 * this file reads them from a CSV: a header naming model and top1, or two
 * columns without one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frm/bench.h"
#include "util/csv.h"
#include "util/error.h"

typedef struct accuracy_row {
    char *model;
    double top1;
    unsigned long line;
} accuracy_row;

struct frm_accuracy {
    accuracy_row *rows;
    size_t n, cap;
    int percent;
};

static frm_code add_row(frm_accuracy *acc, const char *model, double top1, unsigned long line,
                        const char *path, frm_error *err)
{
    for (size_t i = 0; i < acc->n; i++)
        if (strcmp(acc->rows[i].model, model) == 0)
            return frmi_fail(err, FRM_E_FIELD, "%s:%lu: model '%s' is listed twice (first on line %lu)",
                             path, line, model, acc->rows[i].line);
    if (acc->n == acc->cap) {
        size_t cap = acc->cap ? acc->cap * 2 : 32;
        accuracy_row *rows = realloc(acc->rows, cap * sizeof *rows);
        if (!rows)
            return frmi_nomem(err);
        acc->rows = rows;
        acc->cap = cap;
    }
    char *copy = strdup(model);
    if (!copy)
        return frmi_nomem(err);
    acc->rows[acc->n++] = (accuracy_row){copy, top1, line};
    return FRM_OK;
}

/* All values above 1 mean percentages; then none may look like a fraction. */
static frm_code settle_unit(frm_accuracy *acc, const char *path, frm_error *err)
{
    const accuracy_row *big = NULL, *small = NULL;
    for (size_t i = 0; i < acc->n; i++) {
        if (acc->rows[i].top1 > 1.0 && !big)
            big = &acc->rows[i];
        if (acc->rows[i].top1 <= 1.0 && !small)
            small = &acc->rows[i];
    }
    if (!big)
        return FRM_OK;
    if (small)
        return frmi_fail(err, FRM_E_FIELD,
                         "%s:%lu: top1 %g looks like a fraction, but line %lu (%g) is a percentage; "
                         "write all values one way",
                         path, small->line, small->top1, big->line, big->top1);
    acc->percent = 1;
    for (size_t i = 0; i < acc->n; i++)
        acc->rows[i].top1 /= 100.0;
    return FRM_OK;
}

static frm_code parse_rows(frmi_csv *c, const char *path, frm_accuracy *acc, frm_error *err)
{
    long model_col = 0, top1_col = 1;
    bool seen_first = false, more;
    frm_code rc;
    while ((rc = frmi_csv_next(c, &more, err)) == FRM_OK && more) {
        char **fields = c->fields;
        size_t n = c->n_fields;
        unsigned long lineno = (unsigned long)c->line;
        if (fields[0][0] == '#' || (n == 1 && fields[0][0] == '\0'))
            continue;
        if (!seen_first) {
            seen_first = true;
            double v;
            if (n < 2 || !frmi_parse_number(fields[1], &v)) {
                model_col = frmi_csv_column(fields, n, "model");
                top1_col = frmi_csv_column(fields, n, "top1");
                if (model_col < 0 || top1_col < 0)
                    return frmi_fail(err, FRM_E_FIELD,
                                     "%s:%lu: the header has no '%s' column (expected model,top1)",
                                     path, lineno, model_col < 0 ? "model" : "top1");
                continue;
            }
        }
        size_t need = (size_t)(model_col > top1_col ? model_col : top1_col) + 1;
        if (n < need)
            return frmi_fail(err, FRM_E_FIELD, "%s:%lu: %zu columns, expected at least %zu",
                             path, lineno, n, need);
        const char *model = fields[model_col];
        const char *value = fields[top1_col];
        double top1;
        if (*model == '\0')
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: the model name is empty", path, lineno);
        else if (!frmi_parse_number(value, &top1))
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: top1 '%s' is not a number", path, lineno, value);
        else if (top1 < 0.0 || top1 > 100.0)
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: top1 %g is outside [0, 1] and [0, 100]",
                           path, lineno, top1);
        else
            rc = add_row(acc, model, top1, lineno, path, err);
        if (rc != FRM_OK)
            return rc;
    }
    if (rc == FRM_E_SYNTAX) {
        frm_error inner = *err;
        frmi_fail(err, rc, "%s: %s", path, inner.message);
    }
    return rc;
}

frm_code frm_accuracy_load(const char *path, frm_accuracy **out, frm_error *err)
{
    *out = NULL;
    char *text;
    size_t len;
    frm_error why;
    if (frmi_read_file(path, &text, &len, &why) != FRM_OK)
        return frmi_fail(err, why.code, "accuracy file: %s", why.message);
    frm_accuracy *acc = calloc(1, sizeof *acc);
    frm_code rc = acc ? FRM_OK : frmi_nomem(err);
    if (rc == FRM_OK) {
        frmi_csv c;
        frmi_csv_init(&c, text, len, ',');
        rc = parse_rows(&c, path, acc, err);
        frmi_csv_release(&c);
    }
    free(text);
    if (rc == FRM_OK)
        rc = settle_unit(acc, path, err);
    if (rc != FRM_OK) {
        frm_accuracy_free(acc);
        return rc;
    }
    *out = acc;
    return FRM_OK;
}

double frm_accuracy_top1(const frm_accuracy *acc, const char *model)
{
    for (size_t i = 0; acc && model && i < acc->n; i++)
        if (strcmp(acc->rows[i].model, model) == 0)
            return acc->rows[i].top1;
    return NAN;
}

int frm_accuracy_is_percent(const frm_accuracy *acc)
{
    return acc ? acc->percent : 0;
}

void frm_accuracy_free(frm_accuracy *acc)
{
    if (!acc)
        return;
    for (size_t i = 0; i < acc->n; i++)
        free(acc->rows[i].model);
    free(acc->rows);
    free(acc);
}
