/*
 * tests/zoo_run.c - runs an ONNX model once in ONNX Runtime (C API, CPU)
 * on a seeded random input and reports its output: shape, range, and
 * whether every value is finite.  The zoo test uses it to check that the
 * generated models load and compute; exit 0 only when the output is
 * finite.
 *
 * usage: zoo_run MODEL.onnx
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <onnxruntime_c_api.h>

static const OrtApi *ort;

static int check(OrtStatus *st, const char *what)
{
    if (!st)
        return 0;
    fprintf(stderr, "zoo_run: %s: %s\n", what, ort->GetErrorMessage(st));
    ort->ReleaseStatus(st);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: zoo_run MODEL.onnx\n", stderr);
        return 2;
    }
    ort = OrtGetApiBase()->GetApi(ORT_API_VERSION);
    OrtEnv *env = NULL;
    OrtSessionOptions *so = NULL;
    OrtSession *sess = NULL;
    OrtMemoryInfo *mem = NULL;
    OrtTypeInfo *ti = NULL;
    OrtValue *in = NULL, *out = NULL;
    OrtTensorTypeAndShapeInfo *shape = NULL;
    float *data = NULL;
    int rc = 1;
    const OrtTensorTypeAndShapeInfo *tinfo;
    int64_t dims[8], odims[8];
    size_t rank, orank, count;

    if (check(ort->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "zoo_run", &env), "environment") ||
        check(ort->CreateSessionOptions(&so), "session options") ||
        check(ort->CreateSession(env, argv[1], so, &sess), argv[1]) ||
        check(ort->SessionGetInputTypeInfo(sess, 0, &ti), "input type") ||
        check(ort->CastTypeInfoToTensorInfo(ti, &tinfo), "input type") ||
        check(ort->GetDimensionsCount(tinfo, &rank), "input rank"))
        goto done;
    if (rank == 0 || rank > 8 || check(ort->GetDimensions(tinfo, dims, rank), "input dims"))
        goto done;
    count = 1;
    for (size_t i = 0; i < rank; i++)
        count *= (size_t)(dims[i] > 0 ? dims[i] : 1);
    data = malloc(count * sizeof *data);
    if (!data)
        goto done;
    uint64_t s = 0x5eed;
    for (size_t i = 0; i < count; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        data[i] = (float)(s >> 40) / 8388608.0f - 1.0f;
    }
    if (check(ort->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mem), "memory info") ||
        check(ort->CreateTensorWithDataAsOrtValue(mem, data, count * sizeof *data, dims, rank,
                                                  ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &in), "input tensor"))
        goto done;
    const char *in_names[] = { "input" }, *out_names[] = { "logits" };
    if (check(ort->Run(sess, NULL, in_names, (const OrtValue *const *)&in, 1, out_names, 1, &out), "run") ||
        check(ort->GetTensorTypeAndShape(out, &shape), "output shape") ||
        check(ort->GetDimensionsCount(shape, &orank), "output rank"))
        goto done;
    if (orank == 0 || orank > 8 || check(ort->GetDimensions(shape, odims, orank), "output dims"))
        goto done;
    float *o;
    if (check(ort->GetTensorMutableData(out, (void **)&o), "output data"))
        goto done;
    size_t ocount = 1;
    for (size_t i = 0; i < orank; i++)
        ocount *= (size_t)odims[i];
    float lo = INFINITY, hi = -INFINITY;
    int finite = 1;
    for (size_t i = 0; i < ocount; i++) {
        if (!isfinite(o[i]))
            finite = 0;
        else {
            lo = o[i] < lo ? o[i] : lo;
            hi = o[i] > hi ? o[i] : hi;
        }
    }
    printf("output ");
    for (size_t i = 0; i < orank; i++)
        printf("%s%lld", i ? "x" : "", (long long)odims[i]);
    printf(" min %g max %g finite %s\n", lo, hi, finite ? "yes" : "no");
    rc = finite ? 0 : 1;
done:
    if (shape)
        ort->ReleaseTensorTypeAndShapeInfo(shape);
    if (out)
        ort->ReleaseValue(out);
    if (in)
        ort->ReleaseValue(in);
    if (mem)
        ort->ReleaseMemoryInfo(mem);
    if (ti)
        ort->ReleaseTypeInfo(ti);
    if (sess)
        ort->ReleaseSession(sess);
    if (so)
        ort->ReleaseSessionOptions(so);
    if (env)
        ort->ReleaseEnv(env);
    free(data);
    return rc;
}
