/* image.c — read and validate a static x86-64 ELF and plan its mapping.
 *
 * Every way an input can be wrong gets its own status and a one-line message; the
 * checks mirror what Linux's load_elf_binary would refuse (or what would make the
 * mapping meaningless), in the order a reader of the file meets them. The Go half of
 * the analysis is gb_go_analyse() (goinfo.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "goinfo.h"
#include "image.h"
#include "linux.h"
#include "sha256.h"

#define PAGE 4096ULL
#define PAGE_DOWN(x) ((x) & ~(PAGE - 1))
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))
/* Highest user address on x86-64 with 4-level paging (47 bits). */
/* Where an ET_DYN image with segments at 0 is placed (the kernel's ELF_ET_DYN_BASE
 * without randomisation). */
#define DYN_BASE 0x555555554000ULL
#define MAX_FILE (1ULL << 30)

static const char *const status_names[] = {
  [GB_E_USAGE] = "usage",       [GB_E_IO] = "io",           [GB_E_NOT_ELF] = "not-elf",
  [GB_E_TRUNCATED] = "truncated", [GB_E_CLASS] = "elf32",   [GB_E_ENDIAN] = "big-endian",
  [GB_E_MACHINE] = "machine",   [GB_E_TYPE] = "type",       [GB_E_DYNAMIC] = "dynamic",
  [GB_E_NO_LOAD] = "no-load",   [GB_E_FILESZ] = "filesz",   [GB_E_BOUNDS] = "bounds",
  [GB_E_OVERLAP] = "overlap",   [GB_E_ENTRY] = "entry",     [GB_E_NOMEM] = "nomem",
};

const char *gb_status_name(gb_status s) {
  if (s == GB_OK) return "ok";
  if ((unsigned)s < sizeof status_names / sizeof status_names[0] && status_names[s])
    return status_names[s];
  return "unknown";
}

__attribute__((format(printf, 4, 5))) static gb_status fail(gb_status s, char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return s;
}

/* a + b without wrapping, and within the file. */
static int in_file(uint64_t off, uint64_t len, size_t size) {
  return off <= size && len <= size - off;
}

static int seg_cmp(const void *a, const void *b) {
  const gb_segment *x = a, *y = b;
  return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* The identification bytes come first: a reader that fails here has no business
 * asking libelf anything. */
static gb_status check_ident(const unsigned char *b, size_t n, const char *name, char *err,
                             size_t errlen) {
  if (n < 4 || memcmp(b, ELFMAG, SELFMAG) != 0)
    return fail(GB_E_NOT_ELF, err, errlen, "%s: not an ELF file (no \\177ELF magic)", name);
  if (n < EI_NIDENT)
    return fail(GB_E_TRUNCATED, err, errlen, "%s: truncated: %zu bytes, ELF ident needs %d",
                name, n, EI_NIDENT);
  if (b[EI_CLASS] == ELFCLASS32)
    return fail(GB_E_CLASS, err, errlen, "%s: 32-bit ELF (ELFCLASS32); goboot runs x86-64 only",
                name);
  if (b[EI_CLASS] != ELFCLASS64)
    return fail(GB_E_CLASS, err, errlen, "%s: invalid ELF class %u", name, b[EI_CLASS]);
  if (b[EI_DATA] == ELFDATA2MSB)
    return fail(GB_E_ENDIAN, err, errlen, "%s: big-endian ELF; x86-64 is little-endian", name);
  if (b[EI_DATA] != ELFDATA2LSB)
    return fail(GB_E_ENDIAN, err, errlen, "%s: invalid ELF data encoding %u", name, b[EI_DATA]);
  if (n < sizeof(Elf64_Ehdr))
    return fail(GB_E_TRUNCATED, err, errlen, "%s: truncated: %zu bytes, ELF header needs %zu",
                name, n, sizeof(Elf64_Ehdr));
  return GB_OK;
}

static gb_status check_header(gb_image *img, const Elf64_Ehdr *eh, const char *name,
                              char *err, size_t errlen) {
  if (eh->e_machine != EM_X86_64)
    return fail(GB_E_MACHINE, err, errlen, "%s: machine %u is not x86-64 (EM_X86_64 = 62)",
                name, eh->e_machine);
  if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
    return fail(GB_E_TYPE, err, errlen, "%s: ELF type %u is neither ET_EXEC nor ET_DYN%s", name,
                eh->e_type, eh->e_type == ET_REL ? " (an object file)" : "");
  if (eh->e_phnum == 0)
    return fail(GB_E_NO_LOAD, err, errlen, "%s: no program headers", name);
  if (eh->e_phentsize != sizeof(Elf64_Phdr))
    return fail(GB_E_BOUNDS, err, errlen, "%s: e_phentsize %u, expected %zu", name,
                eh->e_phentsize, sizeof(Elf64_Phdr));
  if (eh->e_phnum == PN_XNUM)
    return fail(GB_E_BOUNDS, err, errlen, "%s: extended program-header numbering is unsupported",
                name);
  if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), img->size))
    return fail(GB_E_TRUNCATED, err, errlen,
                "%s: truncated: %u program headers at offset %#llx run past the file end (%zu bytes)",
                name, eh->e_phnum, (unsigned long long)eh->e_phoff, img->size);
  img->e_type = eh->e_type;
  img->entry = eh->e_entry;
  img->phnum = eh->e_phnum;
  img->phentsize = eh->e_phentsize;
  return GB_OK;
}

/* One PT_LOAD: the same conditions that make the kernel's elf_map fail, plus what the
 * emulator needs (canonical user addresses). */
static gb_status check_load(gb_image *img, const Elf64_Phdr *ph, int idx, const char *name,
                            char *err, size_t errlen) {
  if (img->nseg == GB_MAX_SEGMENTS)
    return fail(GB_E_BOUNDS, err, errlen, "%s: more than %d PT_LOAD segments", name,
                GB_MAX_SEGMENTS);
  if (ph->p_filesz > ph->p_memsz)
    return fail(GB_E_FILESZ, err, errlen,
                "%s: segment %d: p_filesz %#llx > p_memsz %#llx", name, idx,
                (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
  if (!in_file(ph->p_offset, ph->p_filesz, img->size))
    return fail(GB_E_BOUNDS, err, errlen,
                "%s: segment %d: file range %#llx+%#llx is beyond the file end (%zu bytes)", name,
                idx, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz, img->size);
  if ((ph->p_vaddr & (PAGE - 1)) != (ph->p_offset & (PAGE - 1)))
    return fail(GB_E_BOUNDS, err, errlen,
                "%s: segment %d: p_vaddr %#llx and p_offset %#llx differ modulo the page size",
                name, idx, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_offset);
  uint64_t va = ph->p_vaddr + img->load_bias;
  if (va < img->load_bias || ph->p_memsz > GB_USER_TOP || va > GB_USER_TOP - ph->p_memsz ||
      PAGE_UP(va + ph->p_memsz) > GB_USER_TOP)
    return fail(GB_E_BOUNDS, err, errlen,
                "%s: segment %d: %#llx+%#llx is outside the 47-bit user address space", name, idx,
                (unsigned long long)va, (unsigned long long)ph->p_memsz);
  if (ph->p_memsz == 0) return GB_OK; /* the kernel maps nothing for it either */
  gb_segment *s = &img->seg[img->nseg++];
  s->vaddr = va;
  s->memsz = ph->p_memsz;
  s->offset = ph->p_offset;
  s->filesz = ph->p_filesz;
  s->prot = (ph->p_flags & PF_R ? GB_PROT_R : 0) | (ph->p_flags & PF_W ? GB_PROT_W : 0) |
            (ph->p_flags & PF_X ? GB_PROT_X : 0);
  s->map_start = PAGE_DOWN(va);
  s->map_end = PAGE_UP(va + ph->p_memsz);
  return GB_OK;
}

/* Segments must not overlap in memory. Two segments may share a boundary page (GNU ld
 * does that); the kernel maps the page twice and the later mapping wins, which for the
 * emulator (one protection per page) means: the shared page belongs to the earlier
 * segment and carries the union of both rights. */
static gb_status plan_mapping(gb_image *img, const char *name, char *err, size_t errlen) {
  qsort(img->seg, img->nseg, sizeof img->seg[0], seg_cmp);
  for (int i = 1; i < img->nseg; i++) {
    gb_segment *a = &img->seg[i - 1], *b = &img->seg[i];
    if (b->vaddr < a->vaddr + a->memsz)
      return fail(GB_E_OVERLAP, err, errlen,
                  "%s: segments overlap: [%#llx, %#llx) and [%#llx, %#llx)", name,
                  (unsigned long long)a->vaddr, (unsigned long long)(a->vaddr + a->memsz),
                  (unsigned long long)b->vaddr, (unsigned long long)(b->vaddr + b->memsz));
    if (b->map_start < a->map_end) {
      a->prot |= b->prot;
      b->map_start = a->map_end;
    }
  }
  img->lo = img->seg[0].map_start;
  img->hi = 0;
  for (int i = 0; i < img->nseg; i++)
    if (img->seg[i].map_end > img->hi) img->hi = img->seg[i].map_end;
  return GB_OK;
}

static gb_status check_entry(gb_image *img, const char *name, char *err, size_t errlen) {
  img->entry += img->load_bias;
  for (int i = 0; i < img->nseg; i++) {
    const gb_segment *s = &img->seg[i];
    if ((s->prot & GB_PROT_X) && img->entry >= s->vaddr && img->entry < s->vaddr + s->memsz)
      return GB_OK;
  }
  return fail(GB_E_ENTRY, err, errlen,
              "%s: entry point %#llx is not inside an executable PT_LOAD segment", name,
              (unsigned long long)img->entry);
}

/* AT_PHDR: PT_PHDR when present, else the loaded bytes that hold e_phoff (as the
 * kernel computes it since 5.18). 0 when the headers are not mapped. */
static void find_phdr(gb_image *img, const Elf64_Ehdr *eh, uint64_t pt_phdr) {
  if (pt_phdr) {
    img->phdr_vaddr = pt_phdr + img->load_bias;
    return;
  }
  for (int i = 0; i < img->nseg; i++) {
    const gb_segment *s = &img->seg[i];
    if (eh->e_phoff >= s->offset && eh->e_phoff < s->offset + s->filesz) {
      img->phdr_vaddr = s->vaddr + (eh->e_phoff - s->offset);
      return;
    }
  }
}

static gb_status walk_phdrs(gb_image *img, const Elf64_Ehdr *eh, const char *name, char *err,
                            size_t errlen) {
  const Elf64_Phdr *ph = (const Elf64_Phdr *)(img->bytes + eh->e_phoff);
  uint64_t pt_phdr = 0, min_vaddr = UINT64_MAX;
  /* PT_INTERP first: "dynamically linked" is the most useful thing to say about such a
   * file, whatever else is wrong with it. */
  for (int i = 0; i < eh->e_phnum; i++) {
    Elf64_Phdr p;
    memcpy(&p, &ph[i], sizeof p); /* e_phoff need not be aligned */
    if (p.p_type != PT_INTERP) continue;
    char interp[128] = "?";
    if (in_file(p.p_offset, p.p_filesz, img->size) && p.p_filesz > 0) {
      size_t n = p.p_filesz < sizeof interp - 1 ? p.p_filesz : sizeof interp - 1;
      memcpy(interp, img->bytes + p.p_offset, n);
      interp[n] = 0;
    }
    return fail(GB_E_DYNAMIC, err, errlen,
                "%s: dynamically linked (interpreter %s); goboot runs static binaries only",
                name, interp);
  }
  for (int i = 0; i < eh->e_phnum; i++) {
    Elf64_Phdr p;
    memcpy(&p, &ph[i], sizeof p);
    if (p.p_type == PT_LOAD && p.p_memsz && p.p_vaddr < min_vaddr) min_vaddr = p.p_vaddr;
  }
  if (min_vaddr == UINT64_MAX)
    return fail(GB_E_NO_LOAD, err, errlen, "%s: no loadable (PT_LOAD) segment", name);
  if (img->e_type == ET_DYN && min_vaddr < 0x10000) img->load_bias = DYN_BASE;
  for (int i = 0; i < eh->e_phnum; i++) {
    Elf64_Phdr p;
    memcpy(&p, &ph[i], sizeof p);
    gb_status s = GB_OK;
    if (p.p_type == PT_LOAD) s = check_load(img, &p, i, name, err, errlen);
    else if (p.p_type == PT_PHDR) pt_phdr = p.p_vaddr;
    else if (p.p_type == PT_TLS) img->has_tls = 1;
    if (s != GB_OK) return s;
  }
  if (img->nseg == 0)
    return fail(GB_E_NO_LOAD, err, errlen, "%s: no PT_LOAD segment with a size", name);
  gb_status s = plan_mapping(img, name, err, errlen);
  if (s == GB_OK) s = check_entry(img, name, err, errlen);
  if (s == GB_OK) find_phdr(img, eh, pt_phdr);
  return s;
}

static gb_status load_bytes(gb_image *img, const char *name, char *err, size_t errlen) {
  gb_status s = check_ident(img->bytes, img->size, name, err, errlen);
  if (s != GB_OK) return s;
  Elf64_Ehdr eh;
  memcpy(&eh, img->bytes, sizeof eh);
  if ((s = check_header(img, &eh, name, err, errlen)) != GB_OK) return s;
  if ((s = walk_phdrs(img, &eh, name, err, errlen)) != GB_OK) return s;
  gb_sha256_hex(img->bytes, img->size, img->sha256);

  /* Sections are optional (UPX strips them); libelf only sees them if they are sane,
   * and the Go analysis tolerates a NULL or section-less handle. This handle only
   * looks things up, which libelf does without writing; DWARF, which libdw
   * decompresses in place, is read from a private copy (layout.c). */
  elf_version(EV_CURRENT);
  Elf *elf = elf_memory((char *)(uintptr_t)img->bytes, img->size);
  gb_go_analyse(img, elf);
  if (elf) elf_end(elf);
  return GB_OK;
}

/* IMG takes BYTES (LEN of them; MAPPED: an mmap, else malloc'd) and is validated. */
static gb_status load_owned(gb_image *img, const unsigned char *bytes, size_t len, int mapped,
                            const char *name, char *err, size_t errlen) {
  img->bytes = bytes;
  img->size = len;
  img->bytes_mapped = mapped;
  img->path = strdup(name);
  if (!img->path) {
    gb_image_free(img);
    return fail(GB_E_NOMEM, err, errlen, "out of memory");
  }
  gb_status s = load_bytes(img, img->path, err, errlen);
  if (s != GB_OK) gb_image_free(img);
  return s;
}

gb_status gb_image_load_mem(gb_image *img, const void *buf, size_t len, const char *name,
                            char *err, size_t errlen) {
  memset(img, 0, sizeof *img);
  if (err && errlen) err[0] = 0;
  /* malloc'd, not mapped: a sanitizer then catches a read one byte past the end. */
  unsigned char *b = malloc(len ? len : 1);
  if (!b) return fail(GB_E_NOMEM, err, errlen, "out of memory");
  if (len) memcpy(b, buf, len);
  return load_owned(img, b, len, 0, name ? name : "<memory>", err, errlen);
}

/* A file that cannot be mapped (a pipe, a character device): read it whole. */
static gb_status read_stream(gb_image *img, int fd, const char *path, char *err, size_t errlen) {
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      if (cap >= MAX_FILE) {
        free(buf);
        return fail(GB_E_IO, err, errlen, "%s: larger than %llu MiB", path, MAX_FILE >> 20);
      }
      cap = cap ? cap * 2 : 1 << 20;
      unsigned char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        return fail(GB_E_NOMEM, err, errlen, "%s: out of memory", path);
      }
      buf = nb;
    }
    ssize_t got = read(fd, buf + len, cap - len);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int e = errno;
      free(buf);
      return fail(GB_E_IO, err, errlen, "%s: read error: %s", path, strerror(e));
    }
    if (got == 0) break;
    len += (size_t)got;
  }
  return load_owned(img, buf, len, 0, path, err, errlen);
}

gb_status gb_image_load(gb_image *img, const char *path, char *err, size_t errlen) {
  memset(img, 0, sizeof *img);
  if (err && errlen) err[0] = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(GB_E_IO, err, errlen, "%s: %s", path, strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    int e = errno;
    close(fd);
    return fail(GB_E_IO, err, errlen, "%s: %s", path, strerror(e));
  }
  if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > MAX_FILE) {
    close(fd);
    return fail(GB_E_IO, err, errlen, "%s: larger than %llu MiB", path, MAX_FILE >> 20);
  }
  /* Mapped rather than read: the page cache's pages, not a heap copy of them (hashing
   * them, then writing the guest's segments, reads them in place). Read-only, so that
   * nothing in this process can change the bytes the guest sees. */
  void *map = MAP_FAILED;
  if (S_ISREG(sb.st_mode) && sb.st_size > 0)
    map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  gb_status s = map != MAP_FAILED
                    ? load_owned(img, map, (size_t)sb.st_size, 1, path, err, errlen)
                    : read_stream(img, fd, path, err, errlen);
  close(fd);
  return s;
}

void gb_image_free(gb_image *img) {
  if (!img) return;
  gb_go_release(img);
  free(img->path);
  if (img->bytes_mapped) munmap((void *)(uintptr_t)img->bytes, img->size);
  else free((void *)(uintptr_t)img->bytes);
  memset(img, 0, sizeof *img);
}

const unsigned char *gb_image_ptr(const gb_image *img, uint64_t addr, size_t *avail) {
  for (int i = 0; i < img->nseg; i++) {
    const gb_segment *s = &img->seg[i];
    if (addr >= s->vaddr && addr - s->vaddr < s->filesz) {
      uint64_t off = addr - s->vaddr;
      if (avail) *avail = s->filesz - off;
      return img->bytes + s->offset + off;
    }
  }
  if (avail) *avail = 0;
  return NULL;
}
