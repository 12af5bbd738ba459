/*
 * util/jsonw.c - text buffer and JSON emitter.
 */
#include "util/jsonw.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void frmi_buf_init(frmi_buf *b)
{
    memset(b, 0, sizeof *b);
}

void frmi_buf_release(frmi_buf *b)
{
    free(b->data);
    frmi_buf_init(b);
}

static bool buf_reserve(frmi_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *data = realloc(b->data, cap);
    if (!data) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

void frmi_buf_add(frmi_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void frmi_buf_puts(frmi_buf *b, const char *s)
{
    frmi_buf_add(b, s, strlen(s));
}

void frmi_buf_printf(frmi_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *frmi_format_double(char out[32], double v)
{
    /* Whole numbers as integers: a count of 50 reads "50", not "5e+01". */
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, 32, "%.0f", v);
        return out;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(out, 32, "%.*g", precision, v);
        if (strtod(out, NULL) == v)
            break;
    }
    return out;
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if ill-formed. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0) lo = 0xA0;      /* no overlong forms */
        if (s[0] == 0xED) hi = 0x9F;      /* no surrogates */
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0) lo = 0x90;
        if (s[0] == 0xF4) hi = 0x8F;      /* nothing above U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

bool frmi_has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

bool frmi_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence(p + i, n - i);
        if (!len)
            return false;
        i += len;
    }
    return true;
}

void frmi_jsonw_init(frmi_jsonw *w, frmi_buf *out, bool pretty)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty;
}

static void newline(frmi_jsonw *w)
{
    if (!w->pretty)
        return;
    frmi_buf_add(w->out, "\n", 1);
    for (int i = 0; i < w->depth; i++)
        frmi_buf_add(w->out, "  ", 2);
}

/* Separator and indentation before a value or a key. */
static void before_item(frmi_jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->need_comma[w->depth])
        frmi_buf_add(w->out, ",", 1);
    w->need_comma[w->depth] = true;
    newline(w);
}

static void open_level(frmi_jsonw *w, char c, char closer)
{
    before_item(w);
    frmi_buf_add(w->out, &c, 1);
    if (w->depth + 1 < FRMI_JSONW_MAX_DEPTH)
        w->depth++;
    w->need_comma[w->depth] = false;
    w->closer[w->depth] = closer;
}

void frmi_jsonw_object(frmi_jsonw *w) { open_level(w, '{', '}'); }
void frmi_jsonw_array(frmi_jsonw *w) { open_level(w, '[', ']'); }

void frmi_jsonw_end(frmi_jsonw *w)
{
    bool had_items = w->need_comma[w->depth];
    char closer = w->closer[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (had_items)
        newline(w);
    frmi_buf_add(w->out, &closer, 1);
}

void frmi_jsonw_key(frmi_jsonw *w, const char *key)
{
    frmi_jsonw_string(w, key);
    frmi_buf_add(w->out, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = true;
}

void frmi_jsonw_string(frmi_jsonw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        frmi_jsonw_null(w);
        return;
    }
    before_item(w);
    frmi_buf *b = w->out;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    frmi_buf_add(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t len = utf8_sequence(p + i, n - i);
            if (len) {
                frmi_buf_add(b, s + i, len);
                i += len;
            } else {
                w->bad_utf8 = true;
                frmi_buf_add(b, "\xEF\xBF\xBD", 3);
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': frmi_buf_add(b, "\\\"", 2); break;
        case '\\': frmi_buf_add(b, "\\\\", 2); break;
        case '\n': frmi_buf_add(b, "\\n", 2); break;
        case '\r': frmi_buf_add(b, "\\r", 2); break;
        case '\t': frmi_buf_add(b, "\\t", 2); break;
        default:
            if (c < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                frmi_buf_add(b, esc, sizeof esc);
            } else {
                frmi_buf_add(b, s + i, 1);
            }
        }
        i++;
    }
    frmi_buf_add(b, "\"", 1);
}

void frmi_jsonw_number(frmi_jsonw *w, double v)
{
    char text[32];
    if (!isfinite(v)) {
        frmi_jsonw_null(w);
        return;
    }
    before_item(w);
    frmi_buf_puts(w->out, frmi_format_double(text, v));
}

void frmi_jsonw_bool(frmi_jsonw *w, bool v)
{
    before_item(w);
    frmi_buf_puts(w->out, v ? "true" : "false");
}

void frmi_jsonw_null(frmi_jsonw *w)
{
    before_item(w);
    frmi_buf_puts(w->out, "null");
}

void frmi_jsonw_raw(frmi_jsonw *w, const char *json)
{
    before_item(w);
    frmi_buf_puts(w->out, json);
}
