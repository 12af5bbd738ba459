/*
 * util/version.c - the version compiled into the library.
 */
#include "frm/version.h"

const char *frm_version(void)
{
    return FRM_VERSION;
}
