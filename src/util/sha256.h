/*
 * util/sha256.h - the SHA-256 of a file, for records' model_sha256.
 */
#ifndef FRM_UTIL_SHA256_H
#define FRM_UTIL_SHA256_H

#include "frm/error.h"

/* Writes the lowercase hex digest of the file at `path` into `hex`.
 * FRM_E_IO naming the file when it cannot be read. */
frm_code frmi_file_sha256(const char *path, char hex[65], frm_error *err);

#endif
