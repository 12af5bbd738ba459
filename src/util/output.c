/*
 * util/output.c - the one writer of whole output files (see output.h).
 */
#define _XOPEN_SOURCE 700      /* realpath, fchown */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"
#include "util/output.h"

/*
 * Temporaries not yet committed or aborted, for frmi_output_remove_temporaries.
 * A signal may arrive at any point, so a slot holds either NULL or a
 * complete, NUL-terminated name.  Outputs are opened by one thread at a
 * time (the tool's), which is what the table assumes.
 */
#define LIVE_SLOTS 64
static char *volatile live[LIVE_SLOTS];

static int track(char *tmp)
{
    for (int i = 0; i < LIVE_SLOTS; i++)
        if (!live[i]) {
            live[i] = tmp;
            return i;
        }
    return -1;                 /* still removed on every error path, only not on a signal */
}

static void untrack(frmi_output *o)
{
    if (o->slot >= 0)
        live[o->slot] = NULL;
    o->slot = -1;
}

void frmi_output_remove_temporaries(void)
{
    for (int i = 0; i < LIVE_SLOTS; i++) {
        char *tmp = live[i];
        if (tmp)
            unlink(tmp);
    }
}

static void release(frmi_output *o)
{
    untrack(o);
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    o->f = NULL;
}

/* Paths of the kernel's: renaming over one would put a file where a device was. */
static bool kernel_path(const char *path)
{
    return strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
}

/*
 * PATH.tmp.XXXXXX beside `path`, created with O_EXCL and mode 0666 so
 * that the umask applies as it would to any new file (mkstemp's 0600
 * would not).
 */
static int create_temporary(const char *path, char **tmp_out)
{
    static unsigned long counter;
    size_t size = strlen(path) + 32;
    char *tmp = malloc(size);
    if (!tmp) {
        errno = ENOMEM;
        return -1;
    }
    unsigned long seed = (unsigned long)getpid() * 2654435761UL ^ (unsigned long)time(NULL);
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        unsigned long x = seed + 0x9e3779b9UL * ++counter;
        snprintf(tmp, size, "%s.tmp.%06lx", path, (x ^ (x >> 13)) & 0xffffffUL);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        free(tmp);
        errno = e;
        return -1;
    }
    *tmp_out = tmp;
    return fd;
}

static frm_code open_in_place(frmi_output *o, const char *path, frm_error *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", path, strerror(e));
    }
    if (!(o->path = strdup(path))) {
        fclose(f);
        return frmi_nomem(err);
    }
    o->f = f;
    return FRM_OK;
}

frm_code frmi_output_open(frmi_output *o, const char *path, frm_error *err)
{
    *o = (frmi_output){NULL, NULL, NULL, -1};
    if (!*path)
        return frmi_fail(err, FRM_E_IO, "cannot write '': an empty file name");
    if (kernel_path(path))
        return open_in_place(o, path, err);

    /* A link is followed to what it names, so that the target changes and the link stays. */
    char *target = NULL;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (!(target = realpath(path, NULL))) {
            if (errno == ENOMEM)
                return frmi_nomem(err);
            /* a dangling link: creating its target through it is what a shell would do */
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
            if (fd < 0)
                return frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", path, strerror(errno));
            close(fd);
            return open_in_place(o, path, err);
        }
        if (kernel_path(target)) {
            free(target);
            return open_in_place(o, path, err);
        }
    } else if (!(target = strdup(path))) {
        return frmi_nomem(err);
    }

    bool exists = stat(target, &st) == 0;
    if (!exists && errno != ENOENT) {
        frm_code rc = frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", path, strerror(errno));
        free(target);
        return rc;
    }
    if (exists && S_ISDIR(st.st_mode)) {
        free(target);
        return frmi_fail(err, FRM_E_IO, "cannot write '%s': it is a folder", path);
    }
    if (exists && !S_ISREG(st.st_mode)) {
        frm_code rc = open_in_place(o, target, err);
        free(target);
        return rc;
    }
    /* Replacing a file the user may not write would go around its permissions. */
    if (exists && access(target, W_OK) != 0) {
        frm_code rc = frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", path, strerror(errno));
        free(target);
        return rc;
    }

    char *tmp = NULL;
    int fd = create_temporary(target, &tmp);
    if (fd < 0) {
        frm_code rc = errno == ENOMEM ? frmi_nomem(err)
                      : frmi_fail(err, FRM_E_IO, "cannot create a temporary file beside '%s': %s",
                                  path, strerror(errno));
        free(target);
        return rc;
    }
    *o = (frmi_output){NULL, target, tmp, track(tmp)};
    int e = 0;
    /* the old file's mode, and its owner where allowed (as root) */
    if (exists && (fchmod(fd, st.st_mode & 07777) != 0 ||
                   (fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM)))
        e = errno;
    else if (!(o->f = fdopen(fd, "wb")))
        e = errno ? errno : ENOMEM;
    if (e) {
        close(fd);
        frmi_output_abort(o);
        return e == ENOMEM ? frmi_nomem(err)
                           : frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", path, strerror(e));
    }
    return FRM_OK;
}

frm_code frmi_output_close(frmi_output *o, frm_error *err)
{
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    /* devices and pipes cannot be synced, and need not be */
    else if (o->tmp && fsync(fileno(o->f)) != 0)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno ? errno : EIO;
    o->f = NULL;
    if (!e)
        return FRM_OK;
    frm_code rc = frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", o->path, strerror(e));
    frmi_output_abort(o);
    return rc;
}

frm_code frmi_output_rename(frmi_output *o, frm_error *err)
{
    frm_code rc = FRM_OK;
    if (o->tmp && rename(o->tmp, o->path) != 0) {
        rc = frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", o->path, strerror(errno));
        unlink(o->tmp);
    }
    release(o);
    return rc;
}

frm_code frmi_output_commit(frmi_output *o, frm_error *err)
{
    frm_code rc = frmi_output_close(o, err);
    return rc == FRM_OK ? frmi_output_rename(o, err) : rc;
}

void frmi_output_abort(frmi_output *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}

frm_code frmi_output_append(const char *path, FILE **out, frm_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0 && (errno == EACCES || errno == EISDIR || errno == ENXIO))
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0)
        return frmi_fail(err, FRM_E_IO, "cannot open '%s' for appending: %s", path,
                         strerror(errno));
    struct stat st;
    char last = '\n';
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
        write(fd, "\n", 1) != 1) {
        int e = errno;
        close(fd);
        return frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", path, strerror(e));
    }
    if (!(*out = fdopen(fd, "a"))) {
        close(fd);
        return frmi_nomem(err);
    }
    return FRM_OK;
}
