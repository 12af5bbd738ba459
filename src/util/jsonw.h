/*
 * util/jsonw.h - a growable text buffer and a JSON emitter on top of it.
 *
 * Parsing is jansson's job.  Emission is done here because frm wants
 * numbers written in their shortest form that reads back to the same
 * double (12.345, not 12.345000000000001), which jansson cannot do per
 * value.  Strings are checked to be UTF-8 and escaped per RFC 8259.
 */
#ifndef FRM_UTIL_JSONW_H
#define FRM_UTIL_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

typedef struct frmi_buf {
    char *data;                /* NUL-terminated when len > 0 */
    size_t len, cap;
    bool failed;               /* an allocation failed; contents incomplete */
} frmi_buf;

void frmi_buf_init(frmi_buf *b);
void frmi_buf_release(frmi_buf *b);
void frmi_buf_add(frmi_buf *b, const char *s, size_t n);
void frmi_buf_puts(frmi_buf *b, const char *s);
void frmi_buf_printf(frmi_buf *b, const char *fmt, ...) FRMI_PRINTF(2, 3);

/*
 * Writes `v` into `out` (at least 32 bytes) in the shortest "%.*g" form
 * that reads back as exactly `v`.  Returns `out`.
 */
char *frmi_format_double(char out[32], double v);

/* true when s[0..n) is well-formed UTF-8. */
bool frmi_utf8_valid(const char *s, size_t n);

/*
 * Whether `s` holds a control character (below U+0020, or DEL): in a name
 * it would move the cursor or recolour a terminal when printed in a
 * table, or forge a line.
 */
bool frmi_has_control(const char *s);

enum { FRMI_JSONW_MAX_DEPTH = 32 };

typedef struct frmi_jsonw {
    frmi_buf *out;
    int depth;
    bool pretty;               /* newline and two-space indent per level */
    bool bad_utf8;             /* a string was not UTF-8 (written with U+FFFD) */
    bool need_comma[FRMI_JSONW_MAX_DEPTH];
    char closer[FRMI_JSONW_MAX_DEPTH];
    bool after_key;
} frmi_jsonw;

void frmi_jsonw_init(frmi_jsonw *w, frmi_buf *out, bool pretty);
void frmi_jsonw_object(frmi_jsonw *w);
void frmi_jsonw_array(frmi_jsonw *w);
void frmi_jsonw_end(frmi_jsonw *w);          /* closes the innermost object or array */
void frmi_jsonw_key(frmi_jsonw *w, const char *key);
void frmi_jsonw_string(frmi_jsonw *w, const char *s);   /* NULL writes null */
void frmi_jsonw_number(frmi_jsonw *w, double v);        /* NaN/inf write null */
void frmi_jsonw_bool(frmi_jsonw *w, bool v);
void frmi_jsonw_null(frmi_jsonw *w);
/* Writes `json` as is; it must be one complete JSON value. */
void frmi_jsonw_raw(frmi_jsonw *w, const char *json);

#endif
