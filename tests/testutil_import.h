/*
 * tests/testutil_import.h - one `frm import` run inside a test.
 */
#ifndef FRM_TESTUTIL_IMPORT_H
#define FRM_TESTUTIL_IMPORT_H

#include <stdbool.h>

#include "import/import.h"
#include "testutil.h"

/* The options it borrows, the built-in aliases, the importer, what it said. */
typedef struct tu_import {
    frmi_import_options opts;
    frmi_aliases *aliases;
    frmi_importer *im;
    tu_diags diags;
    frm_error err;
} tu_import;

/* Options as the command starts them: numbers NaN, the built-in aliases. */
void tu_import_init(tu_import *t);

/*
 * Imports the files (NULL-terminated) in `format` with a new importer, then
 * finishes; returns the first failure, with its message in t->err.
 */
frm_code tu_import_files(tu_import *t, frmi_import_format format, ...);

/* Whether one of the messages the importer passed on contains `needle`. */
bool tu_import_said(const tu_import *t, const char *needle);

void tu_import_free(tu_import *t);

#endif
