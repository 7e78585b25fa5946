/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A tmpfs's bounds as the kernel reads its mount options (mm/shmem.c,
 * shmem_parse_one; memparse in lib/cmdline.c).  runc and crun pass every
 * option they do not know as a flag on to mount(2)'s data, in order, and
 * the kernel reads them one after the other: the last size= or nr_blocks=
 * sets the size, the last nr_inodes= the inodes.  0, or no option, is no
 * bound at all (the kernel's default is half of the RAM's pages). */

#include <stdbool.h>
#include <stdint.h>

typedef struct BrigTmpfsBounds {
    uint64_t blocks; /* pages; 0: unbounded */
    uint64_t inodes; /* 0: unbounded */
} BrigTmpfsBounds;

/* What the kernel's memparse() makes of `s`: a number in C's notation
 * (0x hexadecimal, a leading 0 octal; no sign, no blank), then at most one
 * of k m g t p e (either case), each a factor of 1024 more than the one
 * before.  No digit at all reads as 0 (the kernel's "size=k" is 0, so no
 * bound).  *ret_end is what follows.  -ERANGE when the value does not fit
 * in 64 bits: the kernel wraps it, silently, to whatever is left. */
int brig_memparse(const char *s, uint64_t *ret, const char **ret_end);

/* Reads one mount option into *b when it is size=, nr_blocks= or
 * nr_inodes= (returns 1), 0 for any other option.  `mem_total` (bytes of
 * RAM, 0 unknown) and `page_size` are the host's: "size=N%" is N% of the
 * RAM, rounded up to pages as the kernel does.  <0 when the value cannot
 * be read exactly, with *ret_why saying why: -EINVAL (the kernel refuses
 * the mount), -ERANGE (it wraps the value), -ENODATA (a % of a RAM size
 * brig was not told). */
int brig_tmpfs_option(const char *opt, uint64_t mem_total, uint64_t page_size, BrigTmpfsBounds *b,
                      const char **ret_why);
