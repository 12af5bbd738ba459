/*
 * util/csv.h - RFC 4180 tables in memory, and numbers as tables write them:
 * the reader of frm import's tables and of frm bench's accuracy file.
 */
#ifndef FRM_UTIL_CSV_H
#define FRM_UTIL_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"

/*
 * The whole of `path` ("-": standard input) in memory, NUL-terminated,
 * without a UTF-8 byte-order mark.  `*text` is the caller's to free.
 */
frm_code frmi_read_file(const char *path, char **text, size_t *len, frm_error *err);

/*
 * A reader over `text`.  Fields may be quoted ("a,b", "say ""hi"""),
 * quoted fields may span lines, lines end in LF or CRLF; blank lines are
 * skipped.  Surrounding blanks of unquoted fields are trimmed.
 */
typedef struct frmi_csv {
    const char *text;
    size_t len, pos;
    char delimiter;
    uint64_t line;             /* where the row last returned starts, 1-based */
    uint64_t next_line;
    char **fields;             /* the row last returned; valid until the next call */
    size_t n_fields, cap_fields;
    size_t *starts;            /* where each field begins in scratch, which may move */
    char *scratch;             /* the row's fields, NUL-separated */
    size_t cap_scratch, used;
} frmi_csv;

void frmi_csv_init(frmi_csv *c, const char *text, size_t len, char delimiter);
void frmi_csv_release(frmi_csv *c);

/*
 * The next row into c->fields; *more is false at the end.  FRM_E_SYNTAX
 * for a quote left open (the message says from which line); the caller
 * adds the file name.
 */
frm_code frmi_csv_next(frmi_csv *c, bool *more, frm_error *err);

/* The column whose header is `name` (case-insensitive), or -1. */
long frmi_csv_column(char *const *header, size_t n, const char *name);

/*
 * A number as tables write it: "1024", "1024.0", "1.5e3", " 3 ".
 * false for anything else (empty, "n/a", "12ms").
 */
bool frmi_parse_number(const char *s, double *out);

/*
 * The number times 10^exp10, read as one decimal ("4.11" with 9 reads
 * "4.11e9"), so that the result is the double nearest the exact value:
 * 4110000000, where 4.11 * 1e9 gives 4110000000.0000005.
 */
bool frmi_parse_scaled(const char *s, int exp10, double *out);

#endif
