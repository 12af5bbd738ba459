/*
 * import/csv.c - RFC 4180 tables in memory.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/csv.h"
#include "util/error.h"

void frmi_csv_init(frmi_csv *c, const char *text, size_t len, char delimiter)
{
    memset(c, 0, sizeof *c);
    c->text = text;
    c->len = len;
    c->delimiter = delimiter ? delimiter : ',';
    c->next_line = 1;
}

void frmi_csv_release(frmi_csv *c)
{
    free(c->fields);
    free(c->scratch);
    c->fields = NULL;
    c->scratch = NULL;
}

/* Fields are copied into scratch, NUL-separated; the pointers are set at the end. */
static bool reserve(frmi_csv *c, size_t need)
{
    if (need <= c->cap_scratch)
        return true;
    size_t cap = c->cap_scratch ? c->cap_scratch : 256;
    while (cap < need)
        cap *= 2;
    char *grown = realloc(c->scratch, cap);
    if (!grown)
        return false;
    c->scratch = grown;
    c->cap_scratch = cap;
    return true;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

frm_code frmi_csv_next(frmi_csv *c, bool *more, frm_error *err)
{
    /* blank lines between rows */
    while (c->pos < c->len && (c->text[c->pos] == '\n' || c->text[c->pos] == '\r')) {
        if (c->text[c->pos] == '\n')
            c->next_line++;
        c->pos++;
    }
    c->n_fields = 0;
    if (c->pos >= c->len) {
        *more = false;
        return FRM_OK;
    }
    c->line = c->next_line;
    size_t used = 0, n_fields = 0;
    size_t starts_cap = 16;
    size_t *starts = malloc(starts_cap * sizeof *starts);
    bool *quoted = malloc(starts_cap * sizeof *quoted);
    if (!starts || !quoted) {
        free(starts);
        free(quoted);
        return frmi_nomem(err);
    }
    frm_code rc = FRM_OK;
    bool end_of_row = false;
    while (!end_of_row && rc == FRM_OK) {
        if (n_fields == starts_cap) {
            starts_cap *= 2;
            size_t *s2 = realloc(starts, starts_cap * sizeof *s2);
            if (s2)
                starts = s2;
            bool *q2 = s2 ? realloc(quoted, starts_cap * sizeof *q2) : NULL;
            if (!q2) {
                rc = frmi_nomem(err);
                break;
            }
            quoted = q2;
        }
        starts[n_fields] = used;
        quoted[n_fields] = false;
        size_t p = c->pos;
        while (p < c->len && (c->text[p] == ' ' || c->text[p] == '\t'))
            p++;
        if (p < c->len && c->text[p] == '"') {
            quoted[n_fields] = true;
            uint64_t opened = c->next_line;
            c->pos = p + 1;
            for (;;) {
                if (c->pos >= c->len) {
                    rc = frmi_fail(err, FRM_E_SYNTAX, "a quoted field opened on line %llu is never closed",
                                   (unsigned long long)opened);
                    break;
                }
                char ch = c->text[c->pos++];
                if (ch == '"') {
                    if (c->pos < c->len && c->text[c->pos] == '"')
                        c->pos++;
                    else
                        break;
                }
                if (ch == '\n')
                    c->next_line++;
                if (!reserve(c, used + 2)) {
                    rc = frmi_nomem(err);
                    break;
                }
                c->scratch[used++] = ch;
            }
            /* anything between the closing quote and the delimiter is kept, as spreadsheets do */
        }
        while (rc == FRM_OK && c->pos < c->len && c->text[c->pos] != c->delimiter &&
               c->text[c->pos] != '\n') {
            char ch = c->text[c->pos++];
            if (ch == '\r' && (c->pos >= c->len || c->text[c->pos] == '\n'))
                continue;
            if (!reserve(c, used + 2)) {
                rc = frmi_nomem(err);
                break;
            }
            c->scratch[used++] = ch;
        }
        if (rc != FRM_OK)
            break;
        if (!reserve(c, used + 1)) {
            rc = frmi_nomem(err);
            break;
        }
        c->scratch[used++] = '\0';
        n_fields++;
        if (c->pos >= c->len) {
            end_of_row = true;
        } else if (c->text[c->pos] == '\n') {
            c->pos++;
            c->next_line++;
            end_of_row = true;
        } else {
            c->pos++;          /* the delimiter */
        }
    }
    if (rc == FRM_OK && n_fields > c->cap_fields) {
        char **grown = realloc(c->fields, n_fields * sizeof *grown);
        if (!grown)
            rc = frmi_nomem(err);
        else {
            c->fields = grown;
            c->cap_fields = n_fields;
        }
    }
    if (rc == FRM_OK) {
        for (size_t i = 0; i < n_fields; i++)
            c->fields[i] = quoted[i] ? c->scratch + starts[i] : trim(c->scratch + starts[i]);
        c->n_fields = n_fields;
        *more = true;
    }
    free(starts);
    free(quoted);
    return rc;
}

long frmi_csv_column(char *const *header, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(header[i], name) == 0)
            return (long)i;
    return -1;
}

bool frmi_parse_number(const char *s, double *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v))
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

bool frmi_parse_scaled(const char *s, int exp10, double *out)
{
    double v;
    if (!frmi_parse_number(s, &v))
        return false;
    char shifted[128];
    if (!strpbrk(s, "eE") &&
        snprintf(shifted, sizeof shifted, "%se%d", s, exp10) < (int)sizeof shifted &&
        frmi_parse_number(shifted, out))
        return true;
    *out = v * pow(10, exp10);
    return true;
}
