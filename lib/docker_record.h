/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The image of a Docker container, from dockerd's own record of it.
 *
 * Docker sends the runtime no image name (containerd's CRI writes an
 * annotation, dockerd does not).  But dockerd writes, as root and before it
 * asks containerd to create the task, DOCKER_ROOT/containers/ID/config.v2.json:
 * the container as the daemon knows it, with the image the user named
 * (Config.Image) and the image id it resolved that name to (Image, a
 * content digest).  The container's creator chooses the image, not what the
 * record says about it; the record is only trusted if it is root's: every
 * directory from the docker root down is owned by root and writable by no one
 * else, no component below the root is a symlink, and the file is a regular
 * file owned by root that names the same container id. */

#include "error.h"

#define BRIG_DOCKER_ROOT_DEFAULT "/var/lib/docker"

typedef struct BrigDockerImage {
    char *name; /* Config.Image: the reference the user gave, e.g. "nginx:1.25" */
    char *id;   /* Image: "sha256:<64 hex>" */
} BrigDockerImage;

void brig_docker_image_done(BrigDockerImage *img);

/* Reads the record of container `id` under `root` (NULL: the default).
 * Returns 1 and fills ret when there is a trustworthy record, 0 when there is
 * none (id is not a Docker container id, or no such container: not a
 * Docker container), <0 when a record exists but cannot be trusted or read
 * (fail closed: the caller refuses the container). */
int brig_docker_image_read(const char *root, const char *id, BrigDockerImage *ret, BrigError **err);
