/*
 * util/csv.c - whole files in memory, and RFC 4180 tables over them.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/csv.h"
#include "util/error.h"

frm_code frmi_read_file(const char *path, char **text, size_t *len, frm_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return frmi_fail(err, FRM_E_IO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    frm_code rc = buf ? FRM_OK : frmi_nomem(err);
    while (rc == FRM_OK) {
        if (n + 1 >= cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                rc = frmi_nomem(err);
                break;
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = frmi_fail(err, FRM_E_IO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
    }
    if (!is_stdin)
        fclose(f);
    if (rc != FRM_OK) {
        free(buf);
        return rc;
    }
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        n -= 3;
        memmove(buf, buf + 3, n);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return FRM_OK;
}

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
    free(c->starts);
    free(c->scratch);
    c->fields = NULL;
    c->starts = NULL;
    c->scratch = NULL;
}

/* Fields are copied into scratch, NUL-separated; the pointers are set at the end. */
static bool put(frmi_csv *c, char ch)
{
    if (c->used == c->cap_scratch) {
        size_t cap = c->cap_scratch ? c->cap_scratch * 2 : 256;
        char *grown = realloc(c->scratch, cap);
        if (!grown)
            return false;
        c->scratch = grown;
        c->cap_scratch = cap;
    }
    c->scratch[c->used++] = ch;
    return true;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* A field from c->pos to its delimiter or line end, into scratch. */
static frm_code read_field(frmi_csv *c, frm_error *err)
{
    while (c->pos < c->len && is_blank(c->text[c->pos]))
        c->pos++;
    bool quoted = c->pos < c->len && c->text[c->pos] == '"';
    if (quoted) {
        uint64_t opened = c->next_line;
        for (c->pos++;; c->pos++) {
            if (c->pos >= c->len)
                return frmi_fail(err, FRM_E_SYNTAX,
                                 "a quoted field opened on line %llu is never closed",
                                 (unsigned long long)opened);
            char ch = c->text[c->pos];
            if (ch == '"' && (c->pos + 1 >= c->len || c->text[c->pos + 1] != '"')) {
                c->pos++;
                break;
            }
            if (ch == '"')
                c->pos++;      /* "" is one quote */
            if (ch == '\n')
                c->next_line++;
            if (!put(c, ch))
                return frmi_nomem(err);
        }
    }
    /* anything between a closing quote and the delimiter is kept, as spreadsheets do */
    size_t content_end = c->used;
    for (; c->pos < c->len && c->text[c->pos] != c->delimiter && c->text[c->pos] != '\n';
         c->pos++) {
        char ch = c->text[c->pos];
        if (ch == '\r' && (c->pos + 1 >= c->len || c->text[c->pos + 1] == '\n'))
            continue;
        if (!put(c, ch))
            return frmi_nomem(err);
        if (quoted || !is_blank(ch))
            content_end = c->used;
    }
    c->used = content_end;     /* trailing blanks of an unquoted field */
    return put(c, '\0') ? FRM_OK : frmi_nomem(err);
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
    *more = false;
    if (c->pos >= c->len)
        return FRM_OK;
    c->line = c->next_line;
    c->used = 0;
    for (size_t n = 0;; n++) {
        if (n == c->cap_fields) {
            size_t cap = c->cap_fields ? c->cap_fields * 2 : 16;
            size_t *starts = realloc(c->starts, cap * sizeof *starts);
            if (starts)
                c->starts = starts;
            char **fields = starts ? realloc(c->fields, cap * sizeof *fields) : NULL;
            if (!fields)
                return frmi_nomem(err);
            c->fields = fields;
            c->cap_fields = cap;
        }
        c->starts[n] = c->used;
        frm_code rc = read_field(c, err);
        if (rc != FRM_OK)
            return rc;
        if (c->pos >= c->len || c->text[c->pos] == '\n') {
            if (c->pos < c->len) {
                c->pos++;
                c->next_line++;
            }
            c->n_fields = n + 1;
            break;
        }
        c->pos++;              /* the delimiter */
    }
    for (size_t i = 0; i < c->n_fields; i++)
        c->fields[i] = c->scratch + c->starts[i];
    *more = true;
    return FRM_OK;
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
