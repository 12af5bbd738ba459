/*
 * tests/testutil_import.c - one `frm import` run inside a test.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "testutil_import.h"

void tu_import_init(tu_import *t)
{
    memset(t, 0, sizeof *t);
    t->opts.batch = t->opts.macs = t->opts.params = t->opts.memory_mb = NAN;
    assert_int_equal(frmi_aliases_new(&t->aliases, &t->err), FRM_OK);
    t->opts.aliases = t->aliases;
}

frm_code tu_import_files(tu_import *t, frmi_import_format format, ...)
{
    frmi_importer_free(t->im);
    assert_int_equal(frmi_importer_new(&t->opts, tu_collect, &t->diags, &t->im, &t->err), FRM_OK);
    va_list ap;
    va_start(ap, format);
    frm_code rc = FRM_OK;
    for (const char *f; rc == FRM_OK && (f = va_arg(ap, const char *));)
        rc = frmi_import_file(t->im, format, f, &t->err);
    va_end(ap);
    return rc == FRM_OK ? frmi_importer_finish(t->im, &t->err) : rc;
}

bool tu_import_said(const tu_import *t, const char *needle)
{
    int n = t->diags.n < 8 ? t->diags.n : 8;
    for (int i = 0; i < n; i++)
        if (strstr(t->diags.message[i], needle))
            return true;
    return false;
}

void tu_import_free(tu_import *t)
{
    frmi_importer_free(t->im);
    frmi_aliases_free(t->aliases);
    t->im = NULL;
    t->aliases = NULL;
}
