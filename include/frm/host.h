/*
 * frm/host.h - what machine and inference runtime frm runs on.
 */
#ifndef FRM_HOST_H
#define FRM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct frm_host {
    char cpu_model[256];       /* "unknown" when the system does not say */
    int logical_cores;
    uint64_t memory_bytes;     /* physical memory */
    char os[256];              /* e.g. "Debian GNU/Linux 12 (bookworm)" */
    char kernel[256];          /* e.g. "Linux 6.1.0-18-amd64" */
    char arch[128];            /* e.g. "x86_64" */
} frm_host;

/* Fills `out` from /proc, /etc/os-release and uname(2).  Never fails. */
void frm_host_probe(frm_host *out);

/* The inference runtime linked into libfrm. */
typedef struct frm_runtime {
    char name[64];             /* "onnxruntime" */
    char version[64];          /* as reported by the loaded library */
    char **providers;          /* execution providers it offers; owned */
    size_t n_providers;
} frm_runtime;

/*
 * Asks the loaded ONNX Runtime for its version and execution providers.
 * On success `out` owns `providers`: release it with frm_runtime_release.
 */
frm_code frm_runtime_probe(frm_runtime *out, frm_error *err);
void frm_runtime_release(frm_runtime *rt);

#ifdef __cplusplus
}
#endif

#endif
