/*
 * record/reader.c - streaming JSON Lines reader.
 *
 * One line is held at a time, so memory does not grow with the file.  The
 * reader tolerates what real files contain after being copied between
 * machines: CRLF, blank lines, a byte-order mark, and files concatenated
 * without a final newline (two objects on one line).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "frm/record.h"
#include "record/json.h"
#include "util/error.h"

struct frm_reader {
    FILE *file;
    bool owns_file;
    char *path;
    char *line;                /* current line, NUL-terminated, no line end */
    size_t line_cap, line_len, pos;
    uint64_t lineno;
    bool done;
    json_t *current;           /* owns the strings of `record` */
    char *config_json, *host_json;
    frm_record record;
};

frm_code frm_reader_open(frm_reader **out, const char *path, frm_error *err)
{
    *out = NULL;
    frm_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        return frmi_nomem(err);
    }
    if (strcmp(path, "-") == 0) {
        r->file = stdin;
    } else {
        r->file = fopen(path, "rb");
        if (!r->file) {
            frm_code rc = frmi_fail(err, FRM_E_IO, "cannot open '%s': %s", path, strerror(errno));
            free(r->path);
            free(r);
            return rc;
        }
        r->owns_file = true;
    }
    *out = r;
    return FRM_OK;
}

uint64_t frm_reader_line(const frm_reader *r)
{
    return r->lineno;
}

static void drop_current(frm_reader *r)
{
    json_decref(r->current);
    free(r->config_json);
    free(r->host_json);
    r->current = NULL;
    r->config_json = r->host_json = NULL;
}

void frm_reader_close(frm_reader *r)
{
    if (!r)
        return;
    drop_current(r);
    if (r->owns_file)
        fclose(r->file);
    free(r->line);
    free(r->path);
    free(r);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Skips white space and UTF-8 byte-order marks between records.  A mark
 * is not only at the start of the input: each file of a concatenation may
 * bring its own, at the start of a line or, after a file without a final
 * newline, right behind the previous record.
 */
static void skip_blank(frm_reader *r)
{
    for (;;) {
        if (r->pos < r->line_len && is_space(r->line[r->pos]))
            r->pos++;
        else if (r->line_len - r->pos >= 3 && memcmp(r->line + r->pos, "\xEF\xBB\xBF", 3) == 0)
            r->pos += 3;
        else
            return;
    }
}

/* Moves to the next line holding something; false at end of input. */
static frm_code next_line(frm_reader *r, bool *have, frm_error *err)
{
    *have = false;
    while (!r->done) {
        ssize_t n = getline(&r->line, &r->line_cap, r->file);
        if (n < 0) {
            r->done = true;
            if (ferror(r->file))
                return frmi_fail(err, FRM_E_IO, "%s:%" PRIu64 ": read error: %s", r->path,
                                 r->lineno + 1, strerror(errno));
            return FRM_OK;
        }
        r->lineno++;
        size_t len = (size_t)n;
        while (len > 0 && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            r->line[--len] = '\0';
        r->pos = 0;
        r->line_len = len;
        skip_blank(r);
        if (r->pos < len) {
            *have = true;
            return FRM_OK;
        }
    }
    return FRM_OK;
}

frm_code frm_reader_next(frm_reader *r, const frm_record **rec, frm_error *err)
{
    *rec = NULL;
    drop_current(r);
    skip_blank(r);
    if (r->pos >= r->line_len) {
        bool have;
        frm_code rc = next_line(r, &have, err);
        if (rc != FRM_OK || !have)
            return rc;
    }

    const char *text = r->line + r->pos;
    size_t left = r->line_len - r->pos;
    json_error_t jerr;
    json_t *obj = json_loadb(text, left, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &jerr);
    if (!obj) {
        size_t column = r->pos + (size_t)(jerr.position > 0 ? jerr.position : 1);
        r->pos = r->line_len;          /* the rest of the line cannot be trusted */
        return frmi_fail(err, FRM_E_SYNTAX, "%s:%" PRIu64 ":%zu: malformed JSON: %s", r->path,
                         r->lineno, column, jerr.text);
    }
    r->pos += (size_t)jerr.position;
    if (!json_is_object(obj)) {
        json_decref(obj);
        r->pos = r->line_len;
        return frmi_fail(err, FRM_E_SYNTAX, "%s:%" PRIu64 ": expected a JSON object per line",
                         r->path, r->lineno);
    }
    frm_error why;
    frm_code rc = frmi_record_from_json(obj, &r->record, &r->config_json, &r->host_json, &why);
    if (rc != FRM_OK) {
        json_decref(obj);
        return frmi_fail(err, rc, "%s:%" PRIu64 ": %s", r->path, r->lineno, why.message);
    }
    r->current = obj;
    *rec = &r->record;
    return FRM_OK;
}
