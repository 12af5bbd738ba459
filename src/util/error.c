/*
 * util/error.c - status codes and their messages.
 */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>

/* A switch rather than a table, so the compiler flags a code left out. */
const char *frm_strerror(frm_code code)
{
    switch (code) {
    case FRM_OK: return "no error";
    case FRM_E_NOMEM: return "out of memory";
    case FRM_E_IO: return "input/output error";
    case FRM_E_SYNTAX: return "malformed JSON";
    case FRM_E_FIELD: return "missing or malformed record field";
    case FRM_E_DUPLICATE: return "duplicate record";
    case FRM_E_CONFLICT: return "conflicting records for one configuration";
    case FRM_E_BASELINE: return "baseline missing from a configuration";
    case FRM_E_VALUE: return "unusable metric component";
    case FRM_E_ARGUMENT: return "invalid argument";
    case FRM_E_RUNTIME: return "inference runtime error";
    case FRM_E_MODEL: return "malformed or unsupported model";
    case FRM_E_INTERRUPTED: return "interrupted";
    case FRM_E_SKIPPED: return "entry skipped";
    case FRM_E_ABSENT: return "component absent";
    case FRM_CODE_LAST: break;
    }
    return "unknown error code";
}

void frm_error_clear(frm_error *err)
{
    if (err) {
        err->code = FRM_OK;
        err->message[0] = '\0';
    }
}

frm_code frmi_fail(frm_error *err, frm_code code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

frm_code frmi_nomem(frm_error *err)
{
    return frmi_fail(err, FRM_E_NOMEM, "out of memory");
}
