/*
 * tests/test_zoo.c - the model zoo against the published counts (docs/zoo.md): every model's parameter
 * count exactly, its MACs within 0.1%, no node left unknown, accepted by
 * onnx.checker, run by ONNX Runtime with finite [batch, 1000] outputs, and
 * the same bytes for the same seed.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The published counts, written out here rather than read from the registry, so a typo
 * in either is caught. */
typedef struct published_model {
    const char *name;
    int resolution;
    uint64_t params, macs;
} published_model;

static const published_model published[] = {
    { "resnet18", 224, 11689512, 1814073344 },
    { "resnet50", 224, 25557032, 4089184256 },
    { "mobilenetv2_100", 224, 3504872, 300774272 },
    { "mobilenetv3_large_100", 224, 5483032, 216589760 },
    { "mnasnet_100", 224, 4383312, 314415872 },
    { "squeezenet1_1", 224, 1235496, 349151936 },
    { "densenet121", 224, 7978856, 2834161664 },
    { "efficientnet_b0", 224, 5288548, 385814752 },
    { "inception_v3", 299, 23834568, 5713216096 },
    { "convnext_tiny", 224, 28589128, 4455531264 },
    { "deit_tiny_patch16_224", 224, 5717416, 1253683200 },
    { "levit_128s", 224, 7777058, 304660832 },
    { "mobilevit_s", 256, 5578632, 2000831488 },
};
#define N_PUBLISHED (sizeof published / sizeof published[0])

static const char *model_path(const char *name, const char *tag)
{
    static char path[4][4096];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s-%s.onnx", tu_tmpdir(), name, tag);
    return p;
}

static void write_model(const char *name, const char *path, int64_t batch, uint64_t seed)
{
    frm_zoo_options opt = FRM_ZOO_OPTIONS_INIT;
    opt.batch = batch;
    opt.seed = seed;
    frm_error err;
    if (frm_zoo_write(name, path, &opt, &err) != FRM_OK)
        fail_msg("frm_zoo_write %s: %s", name, err.message);
}

/* Runs the model once in ONNX Runtime; asserts it ran and its output. */
static void run_in_ort(const char *path, const char *want_shape)
{
    char out_path[4200];
    snprintf(out_path, sizeof out_path, "%s.run", path);
    const char *argv[] = { ZOO_RUN, path, NULL };
    int status = tu_run_to(argv, out_path);
    char *out = tu_read(out_path);
    assert_non_null(out);
    if (status != 0)
        fail_msg("ONNX Runtime on %s (exit %d): %s", path, status, out);
    char want[64];
    snprintf(want, sizeof want, "output %s ", want_shape);
    assert_contains(out, want);
    assert_contains(out, "finite yes");
    free(out);
    remove(out_path);
}

static void onnx_check(const char *path)
{
    const char *python = tu_onnx_python();
    if (!python) {
        print_message("onnx.checker skipped: no python3 with the onnx package (Debian python3-onnx)\n");
        return;
    }
    char out_path[4200];
    snprintf(out_path, sizeof out_path, "%s.check", path);
    const char *argv[] = { python, "-c",
                           "import sys, onnx\n"
                           "onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)\n",
                           path, NULL };
    int status = tu_run_to(argv, out_path);
    if (status != 0) {
        char *out = tu_read(out_path);
        fail_msg("onnx.checker rejected %s: %s", path, out ? out : "");
    }
    remove(out_path);
}

/* The whole acceptance for one model, at batch 1 and batch 4. */
static void model_matches_published(void **state)
{
    const published_model *m = *state;
    const char *path = model_path(m->name, "b1");
    write_model(m->name, path, 1, 0);

    frm_profile *p = NULL;
    frm_error err;
    if (frm_profile_file(path, NULL, &p, &err) != FRM_OK)
        fail_msg("profile %s: %s", m->name, err.message);
    for (size_t i = 0; i < p->n_unknown; i++)
        print_error("unknown node %s (%s): %s\n", p->unknown[i].name, p->unknown[i].op, p->unknown[i].reason);
    assert_int_equal(p->n_unknown, 0);
    assert_int_equal(p->opset, 17);
    assert_int_equal(p->params, m->params);
    assert_close((double)p->macs, (double)m->macs, 0.001);
    assert_int_equal(p->n_inputs, 1);
    assert_string_equal(p->inputs[0].name, "input");
    assert_int_equal(p->inputs[0].rank, 4);
    assert_int_equal(p->inputs[0].dims[0], 1);
    assert_int_equal(p->inputs[0].dims[1], 3);
    assert_int_equal(p->inputs[0].dims[2], m->resolution);
    assert_int_equal(p->inputs[0].dims[3], m->resolution);
    assert_int_equal(p->n_outputs, 1);
    assert_string_equal(p->outputs[0].name, "logits");
    assert_int_equal(p->outputs[0].rank, 2);
    assert_int_equal(p->outputs[0].dims[1], 1000);
    uint64_t macs1 = p->macs;
    frm_profile_free(p);

    onnx_check(path);
    run_in_ort(path, "1x1000");
    remove(path);

    /* Batch 4: four times the work, the same parameters. */
    path = model_path(m->name, "b4");
    write_model(m->name, path, 4, 0);
    if (frm_profile_file(path, NULL, &p, &err) != FRM_OK)
        fail_msg("profile %s at batch 4: %s", m->name, err.message);
    assert_int_equal(p->n_unknown, 0);
    assert_int_equal(p->params, m->params);
    assert_int_equal(p->macs, 4 * macs1);
    frm_profile_free(p);
    run_in_ort(path, "4x1000");
    remove(path);
}

static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    assert_non_null(fa);
    assert_non_null(fb);
    int same = 1, ca, cb;
    do {
        ca = getc(fa);
        cb = getc(fb);
        if (ca != cb)
            same = 0;
    } while (same && ca != EOF);
    fclose(fa);
    fclose(fb);
    return same;
}

static void same_seed_same_bytes(void **state)
{
    (void)state;
    const char *names[] = { "squeezenet1_1", "levit_128s", "mobilevit_s" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *a = model_path(names[i], "seed7a"), *b = model_path(names[i], "seed7b");
        const char *c = model_path(names[i], "seed8");
        write_model(names[i], a, 1, 7);
        write_model(names[i], b, 1, 7);
        write_model(names[i], c, 1, 8);
        assert_true(same_bytes(a, b));
        assert_false(same_bytes(a, c));
        remove(a);
        remove(b);
        remove(c);
    }
}

static void registry_matches_published(void **state)
{
    (void)state;
    assert_int_equal(frm_zoo_count(), N_PUBLISHED);
    for (size_t i = 0; i < N_PUBLISHED; i++) {
        const frm_zoo_info *m = frm_zoo_at(i);
        assert_non_null(m);
        assert_string_equal(m->name, published[i].name);
        assert_int_equal(m->resolution, published[i].resolution);
        assert_int_equal(m->params, published[i].params);
        assert_int_equal(m->macs, published[i].macs);
        assert_ptr_equal(frm_zoo_find(published[i].name), m);
    }
    assert_null(frm_zoo_at(N_PUBLISHED));
    assert_null(frm_zoo_find("resnet34"));
}

static void bad_requests(void **state)
{
    (void)state;
    frm_error err;
    const char *path = model_path("x", "bad");
    assert_int_equal(frm_zoo_write("resnet34", path, NULL, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "resnet34");

    frm_zoo_options opt = FRM_ZOO_OPTIONS_INIT;
    opt.batch = 0;
    assert_int_equal(frm_zoo_write("resnet18", path, &opt, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "batch");

    /* 16x16 patches do not tile 230 pixels. */
    opt = (frm_zoo_options)FRM_ZOO_OPTIONS_INIT;
    opt.resolution = 230;
    assert_int_equal(frm_zoo_write("deit_tiny_patch16_224", path, &opt, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "deit_tiny_patch16_224 at 230x230");

    /* Nothing is left behind by a failed write. */
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);

    char missing[4200];
    snprintf(missing, sizeof missing, "%s/no/such/dir/m.onnx", tu_tmpdir());
    assert_int_equal(frm_zoo_write("squeezenet1_1", missing, NULL, &err), FRM_E_IO);
    assert_contains(err.message, missing);
}

static void cli(void **state)
{
    (void)state;
    tu_run r = tu_frm(NULL, NULL, "zoo", "--list", "--format", "csv", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "model,family,resolution,params,macs\n");
    assert_contains(r.out, "resnet50,resnet,224,25557032,4089184256\n");
    assert_contains(r.out, "mobilevit_s,mobilevit,256,5578632,2000831488\n");
    tu_run_free(&r);

    char out_dir[4200];
    snprintf(out_dir, sizeof out_dir, "%s/cli/zoo", tu_tmpdir());
    r = tu_frm(NULL, NULL, "zoo", "--out", out_dir, "--models", "squeezenet1_1", "--seed", "3", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "squeezenet1_1");
    assert_contains(r.err, "1 model written");
    tu_run_free(&r);
    char file[4300];
    snprintf(file, sizeof file, "%s/squeezenet1_1.onnx", out_dir);
    const char *lib = model_path("squeezenet1_1", "lib-seed3");
    write_model("squeezenet1_1", lib, 1, 3);
    assert_true(same_bytes(file, lib));

    /* Shapes in JSON are integers as written: 1000, never 1e+03. */
    r = tu_frm(NULL, NULL, "profile", "--format", "json", file, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"name\": \"logits\",\n        \"type\": \"float\",\n        \"shape\": [\n          1,\n          1000\n");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "zoo", "--models", "squeezenet1_1,resnet34", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "resnet34");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "zoo", "--batch", "0", NULL);
    assert_int_equal(r.status, 2);
    tu_run_free(&r);

    /* an empty name is no name: refused, nothing written */
    static const char *const empty[] = {"", "squeezenet1_1,,resnet50", ",resnet50", "resnet50,"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        r = tu_frm(NULL, NULL, "zoo", "--out", out_dir, "--models", empty[i], NULL);
        assert_int_equal(r.status, 2);
        assert_contains(r.err, "an empty name");
        tu_run_free(&r);
    }

    /* One model fails (the resolution), the other is still written. */
    r = tu_frm(NULL, NULL, "zoo", "--out", out_dir, "--models", "deit_tiny_patch16_224,squeezenet1_1",
               "--resolution", "230", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "deit_tiny_patch16_224 at 230x230");
    assert_contains(r.out, "squeezenet1_1");
    tu_run_free(&r);
}

/* The temporary of the model being written when SIGTERM comes. */
static bool has_temporary(const char *dir)
{
    DIR *d = opendir(dir);
    bool found = false;
    for (struct dirent *e; d && !found && (e = readdir(d));)
        found = strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return found;
}

/* SIGTERM while a model is written: the command dies of it, and leaves no temporary. */
static void terminated_leaves_no_temporary(void **state)
{
    (void)state;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/terminated", tu_tmpdir());
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(FRM_BIN, FRM_BIN, "zoo", "--out", dir, (char *)NULL);
        _exit(127);
    }
    struct timespec nap = {0, 1000 * 1000};
    bool seen = false;
    for (int i = 0; i < 600000 && !(seen = has_temporary(dir)); i++)
        nanosleep(&nap, NULL);
    assert_true(seen);
    kill(pid, SIGTERM);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    assert_false(has_temporary(dir));
}

int main(void)
{
    struct CMUnitTest tests[N_PUBLISHED + 5];
    size_t n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(registry_matches_published);
    for (size_t i = 0; i < N_PUBLISHED; i++) {
        tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(model_matches_published, (void *)&published[i]);
        tests[n++].name = published[i].name;
    }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(same_seed_same_bytes);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(bad_requests);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(cli);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(terminated_leaves_no_temporary);
    return _cmocka_run_group_tests("zoo", tests, n, NULL, NULL);
}
