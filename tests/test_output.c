/*
 * tests/test_output.c - util/output.c: whole outputs that never destroy or
 * half-write what a path names.
 */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "util/output.h"

static const char *path_in_tmp(const char *name)
{
    static char buf[8][1024];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tu_tmpdir(), name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    frmi_output o;
    frm_error err;
    assert_int_equal(frmi_output_open(&o, path, &err), FRM_OK);
    fputs(text, o.f);
    assert_int_equal(frmi_output_commit(&o, &err), FRM_OK);
}

/* No temporary is left in the folder. */
static void assert_no_temporaries(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '\\.tmp\\.'", tu_tmpdir());
    assert_int_not_equal(system(cmd), 0);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void regular_files_keep_their_mode(void **state)
{
    (void)state;
    const char *p = path_in_tmp("kept-mode.txt");
    tu_write("kept-mode.txt", "old\n");
    assert_int_equal(chmod(p, 0644), 0);
    write_text(p, "new\n");
    char *text = tu_read(p);
    assert_string_equal(text, "new\n");
    free(text);
    assert_int_equal(mode_of(p), 0644);

    /* a new file gets 0666 less the umask, not mkstemp's 0600 */
    mode_t mask = umask(022);
    const char *fresh = path_in_tmp("fresh.txt");
    write_text(fresh, "x");
    assert_int_equal(mode_of(fresh), 0644);
    umask(mask);
    assert_no_temporaries();
}

static void links_are_followed(void **state)
{
    (void)state;
    const char *target = path_in_tmp("target.txt");
    const char *link = path_in_tmp("link.txt");
    tu_write("target.txt", "old\n");
    assert_int_equal(symlink(target, link), 0);
    write_text(link, "new\n");
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *text = tu_read(target);
    assert_string_equal(text, "new\n");
    free(text);

    /* a dangling link: its target is created through it */
    const char *gone = path_in_tmp("gone.txt");
    const char *dangling = path_in_tmp("dangling.txt");
    assert_int_equal(symlink(gone, dangling), 0);
    write_text(dangling, "made\n");
    text = tu_read(gone);
    assert_string_equal(text, "made\n");
    free(text);
    assert_no_temporaries();
}

static void devices_are_written_in_place(void **state)
{
    (void)state;
    write_text("/dev/null", "into the void\n");
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    /* a full device: the error names it */
    frmi_output o;
    frm_error err;
    assert_int_equal(frmi_output_open(&o, "/dev/full", &err), FRM_OK);
    for (int i = 0; i < 2000; i++)
        fputs("0123456789012345678901234567890123456789\n", o.f);
    assert_int_equal(frmi_output_commit(&o, &err), FRM_E_IO);
    assert_contains(err.message, "cannot write '/dev/full'");
    assert_int_equal(stat("/dev/full", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    /* a link to a device (as /dev/stdout is) keeps both */
    const char *link = path_in_tmp("to-null");
    assert_int_equal(symlink("/dev/null", link), 0);
    write_text(link, "x");
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));

    /* a FIFO gets the bytes, and stays a FIFO */
    const char *fifo = path_in_tmp("fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t reader = fork();
    assert_true(reader >= 0);
    if (reader == 0) {
        char buf[64] = "";
        int fd = open(fifo, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        _exit(n == 6 && memcmp(buf, "piped\n", 6) == 0 ? 0 : 1);
    }
    write_text(fifo, "piped\n");
    int status;
    assert_int_equal(waitpid(reader, &status, 0), reader);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
}

static void failures_leave_the_old_file(void **state)
{
    (void)state;
    const char *p = path_in_tmp("precious.txt");
    tu_write("precious.txt", "precious\n");
    frmi_output o;
    frm_error err;
    assert_int_equal(frmi_output_open(&o, p, &err), FRM_OK);
    fputs("half of it", o.f);
    frmi_output_abort(&o);
    char *text = tu_read(p);
    assert_string_equal(text, "precious\n");
    free(text);
    assert_no_temporaries();

    assert_int_equal(frmi_output_open(&o, tu_tmpdir(), &err), FRM_E_IO);
    assert_contains(err.message, "it is a folder");
    assert_int_equal(frmi_output_open(&o, "/nonexistent-dir/x", &err), FRM_E_IO);
    assert_contains(err.message, "/nonexistent-dir/x");
    assert_int_equal(frmi_output_open(&o, "", &err), FRM_E_IO);

    /* a signal handler's cleanup removes the live temporary */
    assert_int_equal(frmi_output_open(&o, p, &err), FRM_OK);
    struct stat st;
    assert_int_equal(stat(o.tmp, &st), 0);
    frmi_output_remove_temporaries();
    assert_int_not_equal(stat(o.tmp, &st), 0);
    frmi_output_abort(&o);
    text = tu_read(p);
    assert_string_equal(text, "precious\n");
    free(text);
}

static const char *record_line(const char *model)
{
    return tu_line("c", "d", "cpu", model, 2, 1, 3, 4, NAN, NAN);
}

static void appends_start_on_a_new_line(void **state)
{
    (void)state;
    /* a file cut short in the middle of its last line */
    char text[4096];
    snprintf(text, sizeof text, "%s", record_line("first"));
    text[strlen(text) - 1] = '\0';
    const char *p = tu_write("no-final-newline.jsonl", text);
    FILE *f;
    frm_error err;
    assert_int_equal(frmi_output_append(p, &f, &err), FRM_OK);
    frm_record rec;
    frm_record_init(&rec);
    rec.model = "second";
    rec.device = "d";
    rec.tier = FRM_TIER_CPU;
    rec.framework = "onnxruntime";
    rec.config_id = "c";
    rec.latency_ms.median = 2;
    assert_int_equal(frm_record_append(f, &rec, &err), FRM_OK);
    assert_int_equal(fclose(f), 0);
    /* both records read back: nothing glued together */
    frm_dataset *ds;
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, p, NULL, NULL, &err), FRM_OK);
    assert_int_equal(frm_dataset_size(ds), 2);
    frm_dataset_free(ds);

    /* a file that ends well gets no blank line */
    const char *clean = tu_write("clean.jsonl", record_line("first"));
    assert_int_equal(frmi_output_append(clean, &f, &err), FRM_OK);
    assert_int_equal(fclose(f), 0);
    char *back = tu_read(clean);
    assert_string_equal(back, record_line("first"));
    free(back);

    assert_int_equal(frmi_output_append(tu_tmpdir(), &f, &err), FRM_E_IO);
    assert_contains(err.message, "for appending");
}

/*
 * A write that fails part way (here the file-size limit, as a full disk
 * would) is cut back off: the file still ends with its last whole record.
 */
static void short_writes_are_cut_back(void **state)
{
    (void)state;
    const char *before = record_line("kept");
    const char *p = tu_write("full.jsonl", before);
    size_t size = strlen(before);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {size + 40, size + 40};
        FILE *f;
        frm_error err;
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0 || frmi_output_append(p, &f, &err) != FRM_OK)
            _exit(2);
        frm_record rec;
        frm_record_init(&rec);
        rec.model = "a-model-name-long-enough-to-pass-the-limit";
        rec.device = "d";
        rec.tier = FRM_TIER_CPU;
        rec.framework = "onnxruntime";
        rec.config_id = "c";
        rec.latency_ms.median = 2;
        frm_code rc = frm_record_append(f, &rec, &err);
        _exit(rc == FRM_E_IO && strstr(err.message, "File too large") ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char *after = tu_read(p);
    assert_string_equal(after, before);
    free(after);
}

/* Through the tool: the cases that once destroyed what -o named. */
static void import_output_paths(void **state)
{
    (void)state;
    const char *table = tu_write("rows.csv", "model,latency,memory,device,tier,framework,macs\n"
                                             "m,1,2,d,cpu,f,5\n");
    tu_run r = tu_frm(NULL, NULL, "import", "csv", "-q", "-o", "/dev/null", table, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    r = tu_frm(NULL, NULL, "import", "csv", "-q", "-o", "/dev/full", table, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "/dev/full");
    assert_contains(r.err, "No space left on device");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "import", "csv", "-q", "-o", "/dev/stdout", table, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"model\":\"m\"");
    tu_run_free(&r);

    const char *p = path_in_tmp("shared.jsonl");
    tu_write("shared.jsonl", "old\n");
    assert_int_equal(chmod(p, 0644), 0);
    r = tu_frm(NULL, NULL, "import", "csv", "-q", "-o", p, table, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    assert_int_equal(mode_of(p), 0644);
    assert_no_temporaries();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regular_files_keep_their_mode),
        cmocka_unit_test(links_are_followed),
        cmocka_unit_test(devices_are_written_in_place),
        cmocka_unit_test(failures_leave_the_old_file),
        cmocka_unit_test(appends_start_on_a_new_line),
        cmocka_unit_test(short_writes_are_cut_back),
        cmocka_unit_test(import_output_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
