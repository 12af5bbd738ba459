/*
 * bench/ort_runtime.c - what the loaded ONNX Runtime says about itself.
 *
 * The version comes from the library at run time, not from the headers
 * frm was compiled with: a build pointed at another install (FRM_ORT_ROOT)
 * or a different libonnxruntime.so on the loader path shows up here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onnxruntime_c_api.h>

#include "frm/host.h"
#include "util/error.h"

static frm_code ort_fail(const OrtApi *api, OrtStatus *st, frm_error *err, const char *what)
{
    frm_code rc = frmi_fail(err, FRM_E_RUNTIME, "ONNX Runtime: %s: %s", what,
                            api->GetErrorMessage(st));
    api->ReleaseStatus(st);
    return rc;
}

frm_code frm_runtime_probe(frm_runtime *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    const OrtApiBase *base = OrtGetApiBase();
    snprintf(out->name, sizeof out->name, "onnxruntime");
    snprintf(out->version, sizeof out->version, "%s", base->GetVersionString());
    const OrtApi *api = base->GetApi(ORT_API_VERSION);
    if (!api)
        return frmi_fail(err, FRM_E_RUNTIME,
                         "ONNX Runtime %s does not offer API version %d, which frm was built for",
                         out->version, ORT_API_VERSION);
    char **names;
    int n;
    OrtStatus *st = api->GetAvailableProviders(&names, &n);
    if (st)
        return ort_fail(api, st, err, "listing execution providers");
    out->providers = calloc(n > 0 ? (size_t)n : 1, sizeof *out->providers);
    frm_code rc = out->providers ? FRM_OK : frmi_nomem(err);
    for (int i = 0; rc == FRM_OK && i < n; i++) {
        if (!(out->providers[i] = strdup(names[i])))
            rc = frmi_nomem(err);
        else
            out->n_providers++;
    }
    st = api->ReleaseAvailableProviders(names, n);
    if (st)
        api->ReleaseStatus(st);
    if (rc != FRM_OK)
        frm_runtime_release(out);
    return rc;
}

void frm_runtime_release(frm_runtime *rt)
{
    for (size_t i = 0; i < rt->n_providers; i++)
        free(rt->providers[i]);
    free(rt->providers);
    rt->providers = NULL;
    rt->n_providers = 0;
}
