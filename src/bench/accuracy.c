/*
 * bench/accuracy.c - top-1 accuracies joined to benchmark records by model
 * name.
 *
 * Measured latency says nothing about accuracy, and the zoo's weights are
 * untrained, so FRM_Q needs published or separately evaluated figures:
 * this file reads them from a two-column CSV.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frm/bench.h"
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

/* Splits `line` in place at commas (RFC 4180 quotes honoured); returns the
 * number of fields, at most `max`. */
static size_t split_csv(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        char *w = p;
        fields[n++] = w;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0')
                    break;
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        int more = *p == ',';
        if (more)
            p++;
        *w = '\0';
        if (!more)
            break;
    }
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int find_column(char **fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(trim(fields[i]), name) == 0)
            return (int)i;
    return -1;
}

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

static frm_code parse_file(FILE *f, const char *path, frm_accuracy *acc, frm_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    int model_col = 0, top1_col = 1, seen_first = 0;
    frm_code rc = FRM_OK;
    while (rc == FRM_OK && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *text = trim(line);
        if (lineno == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
            text += 3;
        if (*text == '\0' || *text == '#')
            continue;
        char *fields[64];
        size_t n = split_csv(text, fields, 64);
        if (!seen_first) {
            seen_first = 1;
            double v;
            if (n < 2 || parse_number(trim(fields[1]), &v) != 0) {
                model_col = find_column(fields, n, "model");
                top1_col = find_column(fields, n, "top1");
                if (model_col < 0 || top1_col < 0)
                    rc = frmi_fail(err, FRM_E_FIELD,
                                   "%s:%lu: the header has no '%s' column (expected model,top1)",
                                   path, lineno, model_col < 0 ? "model" : "top1");
                continue;
            }
        }
        size_t need = (size_t)(model_col > top1_col ? model_col : top1_col) + 1;
        if (n < need) {
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: %zu columns, expected at least %zu",
                           path, lineno, n, need);
            break;
        }
        const char *model = trim(fields[model_col]);
        const char *value = trim(fields[top1_col]);
        double top1;
        if (*model == '\0')
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: the model name is empty", path, lineno);
        else if (parse_number(value, &top1) != 0)
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: top1 '%s' is not a number", path, lineno, value);
        else if (top1 < 0.0 || top1 > 100.0)
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: top1 %g is outside [0, 1] and [0, 100]",
                           path, lineno, top1);
        else
            rc = add_row(acc, model, top1, lineno, path, err);
    }
    if (rc == FRM_OK && ferror(f))
        rc = frmi_fail(err, FRM_E_IO, "%s: read error", path);
    free(line);
    return rc;
}

frm_code frm_accuracy_load(const char *path, frm_accuracy **out, frm_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return frmi_fail(err, FRM_E_IO, "cannot open accuracy file '%s': %s", path, strerror(errno));
    frm_accuracy *acc = calloc(1, sizeof *acc);
    frm_code rc = acc ? parse_file(f, path, acc, err) : frmi_nomem(err);
    fclose(f);
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
