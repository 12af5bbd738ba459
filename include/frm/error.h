/*
 * frm/error.h - status codes and error messages of libfrm.
 *
 * Every fallible libfrm function returns an frm_code and, when given a
 * non-NULL frm_error, fills it with the same code and a one-line message
 * that names the file, line, configuration, model or field involved.
 * The library never prints and never exits: the caller decides what to do
 * with the message.
 *
 * Codes are append-only: a code keeps its number forever, new codes are
 * added just before FRM_CODE_LAST, and a retired code stays in the enum.
 */
#ifndef FRM_ERROR_H
#define FRM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum frm_code {
    FRM_OK = 0,
    FRM_E_NOMEM = 1,      /* an allocation failed */
    FRM_E_IO = 2,         /* a file could not be opened, read or written */
    FRM_E_SYNTAX = 3,     /* a line is not valid JSON */
    FRM_E_FIELD = 4,      /* a record field is missing or malformed */
    FRM_E_DUPLICATE = 5,  /* two records for one (config_id, model) */
    FRM_E_CONFLICT = 6,   /* records of one config_id disagree on device, tier or framework */
    FRM_E_BASELINE = 7,   /* the baseline model is absent from a configuration */
    FRM_E_VALUE = 8,      /* a metric component is zero, negative, NaN or missing */
    FRM_E_ARGUMENT = 9,   /* an invalid argument was passed to a function */
    FRM_E_RUNTIME = 10,   /* an inference runtime reported an error */
    FRM_E_MODEL = 11,     /* a model file is malformed or cannot be analysed */
    FRM_E_INTERRUPTED = 12, /* the caller asked the work to stop (a signal) */
    FRM_E_SKIPPED = 13,   /* an input entry left out by rule: not a measurement */
    FRM_E_ABSENT = 14,    /* a record lacks a component its source does not measure */
    FRM_CODE_LAST         /* not a code: one past the last one */
} frm_code;

/* Size of frm_error.message, terminating NUL included. */
#define FRM_ERROR_SIZE 512

typedef struct frm_error {
    frm_code code;
    char message[FRM_ERROR_SIZE];
} frm_error;

/* A static, human-readable description of a code; never NULL. */
const char *frm_strerror(frm_code code);

/* Resets an error to FRM_OK with an empty message. */
void frm_error_clear(frm_error *err);

#ifdef __cplusplus
}
#endif

#endif
