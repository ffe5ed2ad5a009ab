/* files.h — the guest's files: the fd table, pipes, eventfds, epoll sets (sys_file.c)
 * and the virtual tree they open (vfs.c). Nothing here reaches a host file. */
#ifndef GOBOOT_EMU_FILES_H
#define GOBOOT_EMU_FILES_H

#include "common.h"

typedef enum gb_fd_kind { FD_NONE, FD_STDIN, FD_STDOUT, FD_STDERR, FD_FILE, FD_EPOLL,
                          FD_PIPE_R, FD_PIPE_W, FD_EVENTFD, FD_DIR } gb_fd_kind;

typedef struct gb_epoll_ent { int fd; uint32_t events; uint64_t data; } gb_epoll_ent;

typedef struct gb_fd {
  gb_fd_kind kind;
  char *data;          /* FD_FILE: contents (owned) */
  size_t len, pos;
  int pipe;            /* FD_PIPE_*: index into gb_files.pipes */
  uint64_t counter;    /* FD_EVENTFD */
  gb_epoll_ent *ep; int nep; /* FD_EPOLL interest list */
  uint32_t flags;      /* O_*_LINUX as opened / set by F_SETFL */
  int fdflags;         /* FD_CLOEXEC_LINUX */
  char *path;          /* for the trace; FD_DIR: the directory's absolute path */
  int urandom;         /* FD_FILE: an endless stream from the seeded generator */
} gb_fd;

#define GB_MAX_FDS 256
#define GB_MAX_PIPES 16

typedef struct gb_pipe { char buf[4096]; size_t len; int open_r, open_w; } gb_pipe;

typedef struct gb_files {
  gb_fd fds[GB_MAX_FDS];
  gb_pipe pipes[GB_MAX_PIPES];
  int npipes;
  uint64_t rng;        /* splitmix64 state behind /dev/urandom and getrandom */
} gb_files;

void gb_fds_init(gb_machine *m);
void gb_fds_free(gb_machine *m);
int gb_fd_alloc(gb_machine *m);
void gb_rng_bytes(gb_machine *m, void *buf, size_t n);

/* vfs.c: the virtual tree. */
int gb_vfs_open(gb_machine *m, const char *path, char **data, size_t *len); /* 0 or -errno */
enum { GB_VFS_NONE, GB_VFS_FILE, GB_VFS_CHR, GB_VFS_DIR };
/* What an absolute, normalized path is in the virtual tree: GB_VFS_*. */
int gb_vfs_type(gb_machine *m, const char *abs);
/* PATH relative to DIRFD (AT_FDCWD_LINUX: the working directory "/"; ignored when PATH
 * is absolute) → the absolute normalized path in OUT; returns its GB_VFS_* type (NONE
 * when only the last component is missing), or -ENOENT/-ENOTDIR/-EBADF/-ENAMETOOLONG. */
int gb_vfs_resolve(gb_machine *m, int64_t dirfd, const char *path, char *out, size_t cap);
typedef struct gb_vfs_dirent { char name[64]; int type; } gb_vfs_dirent;
/* A virtual directory's entries: ".", "..", then its children in name order. */
int gb_vfs_list(gb_machine *m, const char *dir, gb_vfs_dirent *ents, int cap);
uint64_t gb_vfs_ino(const char *abs); /* the inode number stat and getdents64 report */

#endif
