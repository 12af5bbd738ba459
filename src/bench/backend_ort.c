/*
 * bench/backend_ort.c - ONNX Runtime through its C API.
 *
 * Inputs and outputs go through an OrtIoBinding: inputs are allocated and
 * filled once; outputs are bound to the device on the first run, then the
 * tensors ONNX Runtime allocated for that run are bound back as fixed
 * outputs, so no later run allocates an output.  With the CUDA provider
 * the inputs stay in host memory and are copied on every run, as an
 * application feeding host data would.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <onnxruntime_c_api.h>

#include "bench/backend.h"
#include "onnx/writer.h"
#include "util/error.h"

struct frmi_backend_state {
    const OrtApi *api;
    const frm_bench_options *opt;
    char version[64];
    const char *provider;
    int threads;
    OrtEnv *env;
    OrtSessionOptions *so;
    OrtSession *session;
    OrtMemoryInfo *host_mem;
    OrtMemoryInfo *out_mem;
    OrtAllocator *allocator;        /* ONNX Runtime's default, not owned */
    OrtIoBinding *binding;
    size_t n_inputs, n_outputs;
    OrtValue **inputs;
    char **input_names;
    char **output_names;
    OrtValue **outputs;             /* after the first run */
    int outputs_fixed;
};

static frm_code ort_error(const OrtApi *api, OrtStatus *st, frm_error *err, const char *what)
{
    frm_code rc = frmi_fail(err, FRM_E_RUNTIME, "ONNX Runtime: %s: %s", what,
                            api->GetErrorMessage(st));
    api->ReleaseStatus(st);
    return rc;
}

#define ORT_TRY(s, call, what)                                     \
    do {                                                           \
        OrtStatus *st_ = (call);                                   \
        if (st_)                                                   \
            return ort_error((s)->api, st_, err, (what));          \
    } while (0)

static int runtime_offers(const OrtApi *api, const char *ep)
{
    char **names;
    int n;
    OrtStatus *st = api->GetAvailableProviders(&names, &n);
    if (st) {
        api->ReleaseStatus(st);
        return 0;
    }
    int found = 0;
    for (int i = 0; i < n; i++)
        found |= strcmp(names[i], ep) == 0;
    st = api->ReleaseAvailableProviders(names, n);
    if (st)
        api->ReleaseStatus(st);
    return found;
}

static frm_code append_cuda(frmi_backend_state *s, frm_error *err)
{
    const OrtApi *api = s->api;
    OrtCUDAProviderOptionsV2 *cuda = NULL;
    ORT_TRY(s, api->CreateCUDAProviderOptions(&cuda), "creating CUDA provider options");
    OrtStatus *st = api->SessionOptionsAppendExecutionProvider_CUDA_V2(s->so, cuda);
    api->ReleaseCUDAProviderOptions(cuda);
    if (st)
        return ort_error(api, st, err, "adding the CUDA execution provider");
    ORT_TRY(s, api->CreateMemoryInfo("Cuda", OrtDeviceAllocator, 0, OrtMemTypeDefault, &s->out_mem),
            "describing CUDA memory");
    return FRM_OK;
}

static frm_code make_session_options(frmi_backend_state *s, frm_error *err)
{
    static const GraphOptimizationLevel levels[] = {
        [FRM_GRAPH_OPT_DISABLE] = ORT_DISABLE_ALL,
        [FRM_GRAPH_OPT_BASIC] = ORT_ENABLE_BASIC,
        [FRM_GRAPH_OPT_EXTENDED] = ORT_ENABLE_EXTENDED,
        [FRM_GRAPH_OPT_ALL] = ORT_ENABLE_ALL,
    };
    const OrtApi *api = s->api;
    ORT_TRY(s, api->CreateSessionOptions(&s->so), "creating session options");
    ORT_TRY(s, api->SetIntraOpNumThreads(s->so, s->threads), "setting intra-op threads");
    ORT_TRY(s, api->SetInterOpNumThreads(s->so, 1), "setting inter-op threads");
    ORT_TRY(s, api->SetSessionExecutionMode(s->so, ORT_SEQUENTIAL), "setting sequential execution");
    ORT_TRY(s, api->SetSessionGraphOptimizationLevel(s->so, levels[s->opt->graph_opt]),
            "setting the graph optimisation level");
    return strcmp(s->provider, "cuda") == 0 ? append_cuda(s, err) : FRM_OK;
}

/*
 * The runtime's fixed cost (kernel registries, the math library's
 * dispatch, a CUDA context) is paid once per process, by the first
 * session.  A one-convolution session created, run and released here pays
 * it before the harness reads its baseline, so it is not counted as the
 * model's memory.  The model is built with frm's own ONNX writer.
 */
static frm_code warm_up(frmi_backend_state *s, frm_error *err)
{
    const OrtApi *api = s->api;
    frmi_onnx_builder *b = frmi_onnx_builder_new("warm_up", 17);
    if (!b)
        return frmi_nomem(err);
    frmi_onnx_input(b, "x", 1, 4, (const int64_t[]){1, 8, 8, 8}, NULL);
    frmi_onnx_output(b, "y", 1, 2, (const int64_t[]){1, 4}, NULL);
    frmi_onnx_initializer_f32(b, "w", 4, (const int64_t[]){8, 8, 3, 3}, NULL);
    frmi_onnx_initializer_f32(b, "fc", 2, (const int64_t[]){8, 4}, NULL);
    frmi_onnx_node *conv = frmi_onnx_node_add(b, "Conv", "conv", 2, (const char *const[]){"x", "w"},
                                              1, (const char *const[]){"c"});
    frmi_onnx_attr_ints(conv, "pads", 4, (const int64_t[]){1, 1, 1, 1});
    frmi_onnx_node_add(b, "Relu", "relu", 1, (const char *const[]){"c"}, 1, (const char *const[]){"r"});
    frmi_onnx_node_add(b, "GlobalAveragePool", "pool", 1, (const char *const[]){"r"}, 1,
                       (const char *const[]){"p"});
    frmi_onnx_node_add(b, "Flatten", "flat", 1, (const char *const[]){"p"}, 1, (const char *const[]){"f"});
    frmi_onnx_node_add(b, "MatMul", "fc", 2, (const char *const[]){"f", "fc"}, 1, (const char *const[]){"y"});
    uint8_t *bytes = NULL;
    size_t len = 0;
    frm_code rc = frmi_onnx_serialize(b, &bytes, &len, err);
    frmi_onnx_builder_free(b);
    if (rc != FRM_OK)
        return rc;

    OrtSession *session = NULL;
    OrtValue *input = NULL, *output = NULL;
    float x[8 * 8 * 8] = {0};
    OrtStatus *st = api->CreateSessionFromArray(s->env, bytes, len, s->so, &session);
    if (!st)
        st = api->CreateTensorWithDataAsOrtValue(s->host_mem, x, sizeof x, (const int64_t[]){1, 8, 8, 8}, 4,
                                                 ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &input);
    if (!st)
        st = api->Run(session, NULL, (const char *const[]){"x"}, (const OrtValue *const *)&input, 1,
                      (const char *const[]){"y"}, 1, &output);
    if (output)
        api->ReleaseValue(output);
    if (input)
        api->ReleaseValue(input);
    if (session)
        api->ReleaseSession(session);
    free(bytes);
    return st ? ort_error(api, st, err, "starting the runtime") : FRM_OK;
}

static frm_code ort_open_runtime(const frm_bench_options *opt, frmi_backend_state **out, frm_error *err)
{
    *out = NULL;
    const char *provider = opt->provider ? opt->provider : "cpu";
    if (strcmp(provider, "cpu") != 0 && strcmp(provider, "cuda") != 0)
        return frmi_fail(err, FRM_E_ARGUMENT,
                         "unknown execution provider '%s' (expected cpu or cuda)", provider);
    const OrtApiBase *base = OrtGetApiBase();
    const OrtApi *api = base->GetApi(ORT_API_VERSION);
    if (!api)
        return frmi_fail(err, FRM_E_RUNTIME,
                         "ONNX Runtime %s does not offer API version %d, which frm was built for",
                         base->GetVersionString(), ORT_API_VERSION);
    if (strcmp(provider, "cuda") == 0 && !runtime_offers(api, "CUDAExecutionProvider"))
        return frmi_fail(err, FRM_E_ARGUMENT,
                         "the loaded ONNX Runtime %s has no CUDA execution provider; "
                         "build frm against a GPU build of ONNX Runtime (FRM_ORT_ROOT) to use --provider cuda",
                         base->GetVersionString());

    frmi_backend_state *s = calloc(1, sizeof *s);
    if (!s)
        return frmi_nomem(err);
    *out = s;
    s->api = api;
    s->opt = opt;
    s->provider = strcmp(provider, "cuda") == 0 ? "cuda" : "cpu";
    snprintf(s->version, sizeof s->version, "%s", base->GetVersionString());
    s->threads = frm_threads_resolved(opt->threads);

    /* Warnings (such as unused initializers) would interleave with frm's
     * own output; errors still reach the frm_error. */
    ORT_TRY(s, api->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "frm", &s->env), "creating the environment");
    ORT_TRY(s, api->GetAllocatorWithDefaultOptions(&s->allocator), "getting the allocator");
    ORT_TRY(s, api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &s->host_mem),
            "describing host memory");
    frm_code rc = make_session_options(s, err);
    return rc == FRM_OK ? warm_up(s, err) : rc;
}

static frm_code ort_open_model(frmi_backend_state *s, const char *path, frm_error *err)
{
    const OrtApi *api = s->api;
    OrtStatus *st = api->CreateSession(s->env, path, s->so, &s->session);
    if (st) {
        frm_code rc = frmi_fail(err, FRM_E_RUNTIME, "%s: ONNX Runtime cannot load the model: %s",
                                path, api->GetErrorMessage(st));
        api->ReleaseStatus(st);
        return rc;
    }
    return FRM_OK;
}

/* splitmix64: tiny, seedable, and good enough for input data. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/*
 * Floating-point inputs get uniform values in [-1, 1), the range of a
 * normalised image; integers get 0 or 1, valid as token ids, indices and
 * masks alike; booleans are random.  Half-precision values are drawn
 * directly as bit patterns of magnitude below 1.
 */
static frm_code fill_random(void *data, ONNXTensorElementDataType type, size_t n, uint64_t *state,
                            frm_error *err, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next_random(state);
        double u = (double)(r >> 11) * 0x1.0p-53 * 2.0 - 1.0;
        uint16_t half_sign = (uint16_t)((r & 1) << 15);
        switch (type) {
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: ((float *)data)[i] = (float)u; break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: ((double *)data)[i] = u; break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
            ((uint16_t *)data)[i] = (uint16_t)(half_sign | ((1 + (r >> 1) % 14) << 10) | ((r >> 8) & 0x3ff));
            break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
            ((uint16_t *)data)[i] = (uint16_t)(half_sign | ((113 + (r >> 1) % 14) << 7) | ((r >> 8) & 0x7f));
            break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: ((uint8_t *)data)[i] = (uint8_t)(r & 1); break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: ((uint8_t *)data)[i] = (uint8_t)(r & 1); break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: ((uint16_t *)data)[i] = (uint16_t)(r & 1); break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32:
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: ((uint32_t *)data)[i] = (uint32_t)(r & 1); break;
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64:
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: ((uint64_t *)data)[i] = r & 1; break;
        default:
            return frmi_fail(err, FRM_E_ARGUMENT,
                             "input '%s' has element type %d, for which frm cannot make data", name, (int)type);
        }
    }
    return FRM_OK;
}

static const frm_input_shape *find_override(const frm_bench_options *opt, const char *name)
{
    for (size_t i = 0; i < opt->n_inputs; i++)
        if (strcmp(opt->inputs[i].name, name) == 0)
            return &opt->inputs[i];
    return NULL;
}

static frm_code check_overrides(frmi_backend_state *s, frm_error *err)
{
    for (size_t i = 0; i < s->opt->n_inputs; i++) {
        size_t k = 0;
        while (k < s->n_inputs && strcmp(s->input_names[k], s->opt->inputs[i].name) != 0)
            k++;
        if (k == s->n_inputs)
            return frmi_fail(err, FRM_E_ARGUMENT, "--input names '%s', which is not an input of the model (first input: '%s')",
                             s->opt->inputs[i].name, s->n_inputs ? s->input_names[0] : "none");
    }
    return FRM_OK;
}

/* Resolves input `i`'s shape into `in` and creates its filled tensor. */
static frm_code make_input(frmi_backend_state *s, size_t i, frm_bench_input *in, uint64_t *rng, frm_error *err)
{
    const OrtApi *api = s->api;
    OrtTypeInfo *info = NULL;
    ORT_TRY(s, api->SessionGetInputTypeInfo(s->session, i, &info), "reading an input's type");
    const OrtTensorTypeAndShapeInfo *tinfo = NULL;
    OrtStatus *st = api->CastTypeInfoToTensorInfo(info, &tinfo);
    ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
    size_t rank = 0;
    int64_t dims[FRM_PROFILE_MAX_RANK];
    if (!st && !tinfo) {
        api->ReleaseTypeInfo(info);
        return frmi_fail(err, FRM_E_ARGUMENT, "input '%s' is not a tensor", s->input_names[i]);
    }
    if (!st)
        st = api->GetTensorElementType(tinfo, &type);
    if (!st)
        st = api->GetDimensionsCount(tinfo, &rank);
    if (!st && rank > FRM_PROFILE_MAX_RANK) {
        api->ReleaseTypeInfo(info);
        return frmi_fail(err, FRM_E_ARGUMENT, "input '%s' has rank %zu, more than %d",
                         s->input_names[i], rank, FRM_PROFILE_MAX_RANK);
    }
    if (!st)
        st = api->GetDimensions(tinfo, dims, rank);
    api->ReleaseTypeInfo(info);
    if (st)
        return ort_error(api, st, err, "reading an input's shape");

    const frm_input_shape *ov = find_override(s->opt, s->input_names[i]);
    if (ov) {
        if (ov->rank != rank)
            return frmi_fail(err, FRM_E_ARGUMENT, "--input %s has rank %zu, the model's input has rank %zu",
                             ov->name, ov->rank, rank);
        memcpy(dims, ov->dims, rank * sizeof dims[0]);
    }
    size_t count = 1;
    for (size_t d = 0; d < rank; d++) {
        if (dims[d] < 0 && d > 0)
            return frmi_fail(err, FRM_E_ARGUMENT, "input '%s': dimension %zu is symbolic and frm "
                             "does not guess it; give the shape with --input %s=...",
                             s->input_names[i], d, s->input_names[i]);
        if (dims[d] < 0)
            dims[d] = s->opt->batch;
        if (dims[d] == 0 || (size_t)dims[d] > SIZE_MAX / 16 / count)
            return frmi_fail(err, FRM_E_ARGUMENT, "input '%s' has an unusable dimension %lld",
                             s->input_names[i], (long long)dims[d]);
        count *= (size_t)dims[d];
    }
    snprintf(in->name, sizeof in->name, "%s", s->input_names[i]);
    in->elem_type = (int)type;
    in->rank = rank;
    memcpy(in->dims, dims, rank * sizeof dims[0]);

    ORT_TRY(s, api->CreateTensorAsOrtValue(s->allocator, dims, rank, type, &s->inputs[i]),
            "allocating an input");
    void *data = NULL;
    ORT_TRY(s, api->GetTensorMutableData(s->inputs[i], &data), "reaching an input's data");
    return fill_random(data, type, count, rng, err, s->input_names[i]);
}

static frm_code read_names(frmi_backend_state *s, frm_error *err)
{
    const OrtApi *api = s->api;
    ORT_TRY(s, api->SessionGetInputCount(s->session, &s->n_inputs), "counting inputs");
    ORT_TRY(s, api->SessionGetOutputCount(s->session, &s->n_outputs), "counting outputs");
    if (s->n_inputs > FRM_BENCH_MAX_INPUTS)
        return frmi_fail(err, FRM_E_ARGUMENT, "the model has %zu inputs; frm feeds at most %d",
                         s->n_inputs, FRM_BENCH_MAX_INPUTS);
    s->input_names = calloc(s->n_inputs + 1, sizeof *s->input_names);
    s->inputs = calloc(s->n_inputs + 1, sizeof *s->inputs);
    s->output_names = calloc(s->n_outputs + 1, sizeof *s->output_names);
    if (!s->input_names || !s->inputs || !s->output_names)
        return frmi_nomem(err);
    for (size_t i = 0; i < s->n_inputs; i++)
        ORT_TRY(s, api->SessionGetInputName(s->session, i, s->allocator, &s->input_names[i]),
                "reading an input's name");
    for (size_t i = 0; i < s->n_outputs; i++)
        ORT_TRY(s, api->SessionGetOutputName(s->session, i, s->allocator, &s->output_names[i]),
                "reading an output's name");
    return FRM_OK;
}

static frm_code ort_prepare(frmi_backend_state *s, frm_bench_input *inputs, size_t *n_inputs, frm_error *err)
{
    const OrtApi *api = s->api;
    frm_code rc = read_names(s, err);
    if (rc == FRM_OK)
        rc = check_overrides(s, err);
    uint64_t rng = s->opt->seed;
    for (size_t i = 0; rc == FRM_OK && i < s->n_inputs; i++)
        rc = make_input(s, i, &inputs[i], &rng, err);
    if (rc != FRM_OK)
        return rc;
    *n_inputs = s->n_inputs;
    ORT_TRY(s, api->CreateIoBinding(s->session, &s->binding), "creating the I/O binding");
    for (size_t i = 0; i < s->n_inputs; i++)
        ORT_TRY(s, api->BindInput(s->binding, s->input_names[i], s->inputs[i]), "binding an input");
    const OrtMemoryInfo *out_mem = s->out_mem ? s->out_mem : s->host_mem;
    for (size_t i = 0; i < s->n_outputs; i++)
        ORT_TRY(s, api->BindOutputToDevice(s->binding, s->output_names[i], out_mem), "binding an output");
    return FRM_OK;
}

/* After the first run: keep the outputs it allocated as the fixed ones. */
static frm_code fix_outputs(frmi_backend_state *s, frm_error *err)
{
    const OrtApi *api = s->api;
    size_t n = 0;
    ORT_TRY(s, api->GetBoundOutputValues(s->binding, s->allocator, &s->outputs, &n),
            "reading the bound outputs");
    if (n != s->n_outputs)
        return frmi_fail(err, FRM_E_RUNTIME, "ONNX Runtime returned %zu outputs for %zu bound",
                         n, s->n_outputs);
    api->ClearBoundOutputs(s->binding);
    for (size_t i = 0; i < n; i++)
        ORT_TRY(s, api->BindOutput(s->binding, s->output_names[i], s->outputs[i]), "binding an output");
    s->outputs_fixed = 1;
    return FRM_OK;
}

static frm_code ort_run(frmi_backend_state *s, frm_error *err)
{
    const OrtApi *api = s->api;
    OrtStatus *st = api->RunWithBinding(s->session, NULL, s->binding);
    if (!st && s->out_mem)
        st = api->SynchronizeBoundOutputs(s->binding);
    if (st)
        return ort_error(api, st, err, "running the model");
    return s->outputs_fixed ? FRM_OK : fix_outputs(s, err);
}

static void ort_describe(const frmi_backend_state *s, frmi_backend_info *out)
{
    out->framework = "onnxruntime";
    out->version = s->version;
    out->provider = s->provider;
    out->threads = s->threads;
}

static void ort_close(frmi_backend_state *s)
{
    if (!s)
        return;
    const OrtApi *api = s->api;
    if (s->binding)
        api->ReleaseIoBinding(s->binding);
    if (s->outputs) {
        for (size_t i = 0; i < s->n_outputs; i++)
            api->ReleaseValue(s->outputs[i]);
        OrtStatus *st = api->AllocatorFree(s->allocator, s->outputs);
        if (st)
            api->ReleaseStatus(st);
    }
    for (size_t i = 0; s->inputs && i < s->n_inputs; i++)
        if (s->inputs[i])
            api->ReleaseValue(s->inputs[i]);
    free(s->inputs);
    for (size_t i = 0; s->input_names && s->input_names[i]; i++) {
        OrtStatus *st = api->AllocatorFree(s->allocator, s->input_names[i]);
        if (st)
            api->ReleaseStatus(st);
    }
    free(s->input_names);
    for (size_t i = 0; s->output_names && s->output_names[i]; i++) {
        OrtStatus *st = api->AllocatorFree(s->allocator, s->output_names[i]);
        if (st)
            api->ReleaseStatus(st);
    }
    free(s->output_names);
    if (s->session)
        api->ReleaseSession(s->session);
    if (s->so)
        api->ReleaseSessionOptions(s->so);
    if (s->out_mem)
        api->ReleaseMemoryInfo(s->out_mem);
    if (s->host_mem)
        api->ReleaseMemoryInfo(s->host_mem);
    if (s->env)
        api->ReleaseEnv(s->env);
    free(s);
}

const frmi_backend frmi_backend_onnxruntime = {
    .name = "onnxruntime",
    .open_runtime = ort_open_runtime,
    .open_model = ort_open_model,
    .prepare = ort_prepare,
    .run = ort_run,
    .describe = ort_describe,
    .close = ort_close,
};
