/*
 * bench/energy_nvml.c - a GPU's total energy from NVIDIA's NVML.
 *
 * libnvidia-ml comes with the driver, not with a toolkit frm could build
 * against, so it is loaded at run time and the few declarations needed are
 * written out here, as nvml.h has them.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/energy_source.h"
#include "util/error.h"

typedef int nvml_return;                  /* nvmlReturn_t: 0 is NVML_SUCCESS */
typedef struct nvml_device *nvml_device;  /* nvmlDevice_t */

typedef struct nvml {
    void *lib;
    int index;
    nvml_device dev;
    /* Set once nvmlInit_v2 has succeeded, so that closing balances it
     * (NVML counts its initialisations). */
    nvml_return (*shutdown)(void);
    /* Millijoules since the driver was loaded. */
    nvml_return (*total_energy)(nvml_device dev, unsigned long long *mj);
    const char *(*error_string)(nvml_return rc);
} nvml;

/* dlsym hands back a function as a void *; POSIX makes the two the same size. */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *), "function pointers must fit a void *");

/* Stores the address of `name` into the function pointer at `fn`. */
static frm_code symbol(void *lib, const char *name, void *fn, frm_error *err)
{
    void *sym = dlsym(lib, name);
    if (!sym)
        return frmi_fail(err, FRM_E_IO, "libnvidia-ml has no %s (NVIDIA driver too old?)", name);
    memcpy(fn, &sym, sizeof sym);
    return FRM_OK;
}

static void nvml_close(void *ctx)
{
    nvml *n = ctx;
    if (n->shutdown)
        n->shutdown();
    dlclose(n->lib);
    free(n);
}

static frm_code nvml_read(void *ctx, uint64_t *values, frm_error *err)
{
    nvml *n = ctx;
    unsigned long long mj;
    nvml_return rc = n->total_energy(n->dev, &mj);
    if (rc != 0)
        return frmi_fail(err, FRM_E_IO, "NVML cannot read the total energy of GPU %d: %s",
                         n->index, n->error_string(rc));
    values[0] = mj;
    return FRM_OK;
}

static const frmi_energy_kind nvml_kind = {"nvml", 1.0, nvml_read, nvml_close};

/* Initialises NVML and finds the GPU; `n->lib` is loaded. */
static frm_code start(nvml *n, frm_error *err)
{
    nvml_return (*init)(void) = NULL;
    nvml_return (*shutdown)(void) = NULL;
    nvml_return (*by_index)(unsigned int index, nvml_device *dev) = NULL;
    frm_code rc = symbol(n->lib, "nvmlErrorString", &n->error_string, err);
    if (rc == FRM_OK)
        rc = symbol(n->lib, "nvmlInit_v2", &init, err);
    if (rc == FRM_OK)
        rc = symbol(n->lib, "nvmlShutdown", &shutdown, err);
    if (rc == FRM_OK)
        rc = symbol(n->lib, "nvmlDeviceGetHandleByIndex_v2", &by_index, err);
    if (rc == FRM_OK)
        rc = symbol(n->lib, "nvmlDeviceGetTotalEnergyConsumption", &n->total_energy, err);
    if (rc != FRM_OK)
        return rc;
    nvml_return nrc = init();
    if (nrc != 0)
        return frmi_fail(err, FRM_E_IO, "NVML cannot start: %s", n->error_string(nrc));
    n->shutdown = shutdown;
    nrc = by_index((unsigned int)n->index, &n->dev);
    if (nrc != 0)
        return frmi_fail(err, FRM_E_IO, "NVML has no GPU %d: %s", n->index, n->error_string(nrc));
    /* Read once now: GPUs before Volta answer "Not Supported". */
    uint64_t first;
    return nvml_read(n, &first, err);
}

frm_code frmi_energy_nvml_open(int index, frmi_energy **out, frm_error *err)
{
    if (index < 0)
        return frmi_fail(err, FRM_E_ARGUMENT, "GPU index %d is negative", index);
    nvml *n = calloc(1, sizeof *n);
    if (!n)
        return frmi_nomem(err);
    n->index = index;
    n->lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!n->lib) {
        /* The driver installs the versioned name; the bare one, from a
         * development package, is the fallback.  The first failure is
         * the one worth reporting. */
        char why[256];
        const char *msg = dlerror();
        snprintf(why, sizeof why, "%s", msg ? msg : "unknown reason");
        n->lib = dlopen("libnvidia-ml.so", RTLD_NOW | RTLD_LOCAL);
        if (!n->lib) {
            free(n);
            return frmi_fail(err, FRM_E_IO, "cannot load NVML, the NVIDIA driver's libnvidia-ml: %s",
                             why);
        }
    }
    frm_code rc = start(n, err);
    if (rc != FRM_OK) {
        nvml_close(n);
        return rc;
    }
    /* A 64-bit count of millijoules does not wrap in practice; should it,
     * UINT64_MAX as its max makes the meter's arithmetic that of the
     * counter, modulo 2^64. */
    const uint64_t max = UINT64_MAX;
    return frmi_energy_new(&nvml_kind, n, 1, &max, out, err);
}
