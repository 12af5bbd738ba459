/*
 * util/error.h - filling an frm_error inside the library.
 */
#ifndef FRM_UTIL_ERROR_H
#define FRM_UTIL_ERROR_H

#include "frm/error.h"

#if defined(__GNUC__)
#define FRMI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FRMI_PRINTF(f, a)
#endif

/*
 * Sets `err` (when not NULL) to `code` and the formatted message, which is
 * cut to fit FRM_ERROR_SIZE.  Returns `code`, so callers can write
 * `return frmi_fail(err, FRM_E_IO, "cannot open '%s'", path);`.
 */
frm_code frmi_fail(frm_error *err, frm_code code, const char *fmt, ...) FRMI_PRINTF(3, 4);

/* The usual out-of-memory failure. */
frm_code frmi_nomem(frm_error *err);

#endif
