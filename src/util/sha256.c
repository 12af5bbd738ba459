/*
 * util/sha256.c - file digests with nettle's SHA-256.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

#include "util/error.h"
#include "util/sha256.h"

frm_code frmi_file_sha256(const char *path, char hex[65], frm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return frmi_fail(err, FRM_E_IO, "cannot open '%s': %s", path, strerror(errno));
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sha256_update(&ctx, n, chunk);
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return frmi_fail(err, FRM_E_IO, "cannot read '%s'", path);
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return FRM_OK;
}
